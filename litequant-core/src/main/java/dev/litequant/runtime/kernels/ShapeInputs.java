package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Reads the inputs that fix an operator's output shape (new shapes, axes, paddings, multiples,
 * begin/end indices). They must be known before running, because LiteQuant computes every shape
 * when it prepares a model.
 */
final class ShapeInputs {
  private ShapeInputs() {}

  /** The values of integer input {@code i}; an empty tensor counts as known (it has no values). */
  static int[] ints(OpContext ctx, int i, String what) {
    RuntimeTensor t = requireInteger(ctx, i, what);
    if (t.size() == 0) {
      return new int[0];
    }
    if (!t.isKnown()) {
      ctx.knownInts(i); // throws the interpreter's standard "must be a constant" error
    }
    int[] v = new int[t.size()];
    for (int k = 0; k < v.length; k++) {
      long x = t.getLong(k);
      if (x != (int) x) {
        throw ctx.invalid("has " + what + " value " + x + " outside the 32-bit range");
      }
      v[k] = (int) x;
    }
    return v;
  }

  /** Input {@code i} as a single integer (a scalar or a one-element vector). */
  static int scalar(OpContext ctx, int i, String what) {
    int[] v = ints(ctx, i, what);
    if (v.length != 1) {
      throw ctx.invalid("needs one " + what + " value, got " + v.length + " in " + ctx.requireInput(i));
    }
    return v[0];
  }

  /** Input {@code i} as a 1-D integer vector. */
  static int[] vector(OpContext ctx, int i, String what) {
    RuntimeTensor t = requireInteger(ctx, i, what);
    if (t.rank() != 1) {
      throw ctx.invalid("needs " + what + " as a 1-D tensor, got " + t);
    }
    return ints(ctx, i, what);
  }

  /** Checks that input {@code i} is an int32 or int64 tensor, as shape and index inputs must be. */
  static RuntimeTensor requireInteger(OpContext ctx, int i, String what) {
    RuntimeTensor t = ctx.requireInput(i);
    if (t.type() != DataType.INT32 && t.type() != DataType.INT64) {
      throw ctx.invalid("needs " + what + " as int32 or int64, got " + t);
    }
    return t;
  }
}
