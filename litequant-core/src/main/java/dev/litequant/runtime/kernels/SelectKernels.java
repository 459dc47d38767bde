package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.SELECT;
import static dev.litequant.graph.BuiltinOperator.SELECT_V2;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/**
 * SELECT and SELECT_V2: {@code out = condition ? x : y}, element by element. When all three shapes
 * are equal both behave alike. Otherwise SELECT takes a scalar condition (choosing a whole tensor)
 * or a rank-1 condition choosing rows of x and y along their first axis, while SELECT_V2 broadcasts
 * all three inputs numpy-style.
 */
final class SelectKernels {
  private SelectKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(SELECT, 2, ctx -> select(ctx, false));
    b.add(SELECT_V2, 1, ctx -> select(ctx, true));
  }

  static Kernel select(OpContext ctx, boolean broadcasting) {
    RuntimeTensor cond = ctx.requireType(0, DataType.BOOL);
    RuntimeTensor x = ctx.requireInput(1);
    RuntimeTensor y = ctx.requireInput(2);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, x, y);
    Elements.requireSameType(ctx, x, out);
    boolean sameShape = Arrays.equals(cond.dims(), x.dims()) && Arrays.equals(x.dims(), y.dims());
    if (sameShape) {
      ctx.setOutputShape(0, x.dims());
      return rows(cond, x, y, out, 1);
    }
    if (broadcasting) {
      return broadcast(ctx, cond, x, y, out);
    }
    if (!Arrays.equals(x.dims(), y.dims())) {
      throw ctx.invalid("needs x and y of the same shape, got " + x + " and " + y);
    }
    boolean scalar = cond.rank() == 0;
    boolean perRow = cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0);
    if (!scalar && !perRow) {
      throw ctx.invalid("needs a condition shaped like x " + x + ", a scalar, or a vector over its first axis; got "
          + cond);
    }
    ctx.setOutputShape(0, x.dims());
    int row = scalar ? x.size() : x.size() / Math.max(1, x.dim(0));
    return rows(cond, x, y, out, row);
  }

  /**
   * Condition element {@code i} chooses row {@code i} (of {@code row} elements) of x or y. Runs of
   * equal condition values move with one copy.
   */
  private static Kernel rows(RuntimeTensor cond, RuntimeTensor x, RuntimeTensor y, RuntimeTensor out, int row) {
    return () -> {
      byte[] c = cond.bytes();
      Object xs = Elements.array(x);
      Object ys = Elements.array(y);
      Object dst = Elements.array(out);
      int n = cond.size();
      int start = 0;
      while (start < n) {
        boolean pick = c[start] != 0;
        int end = start + 1;
        while (end < n && (c[end] != 0) == pick) {
          end++;
        }
        System.arraycopy(pick ? xs : ys, start * row, dst, start * row, (end - start) * row);
        start = end;
      }
    };
  }

  /** SELECT_V2 with differing shapes: every input is broadcast to the common shape. */
  private static Kernel broadcast(OpContext ctx, RuntimeTensor cond, RuntimeTensor x, RuntimeTensor y,
      RuntimeTensor out) {
    int[] partial = Shapes.broadcast(cond.dims(), x.dims());
    int[] shape = partial == null ? null : Shapes.broadcast(partial, y.dims());
    if (shape == null) {
      throw ctx.invalid("cannot broadcast condition " + cond + ", x " + x + " and y " + y + " together");
    }
    ctx.setOutputShape(0, shape);
    int[] mapC = Shapes.broadcastIndex(cond.dims(), shape);
    int[] mapX = Shapes.broadcastIndex(x.dims(), shape);
    int[] mapY = Shapes.broadcastIndex(y.dims(), shape);
    return () -> {
      byte[] c = cond.bytes();
      Object xs = Elements.array(x);
      Object ys = Elements.array(y);
      Object dst = Elements.array(out);
      for (int i = 0; i < mapC.length; i++) {
        if (c[mapC[i]] != 0) {
          System.arraycopy(xs, mapX[i], dst, i, 1);
        } else {
          System.arraycopy(ys, mapY[i], dst, i, 1);
        }
      }
    };
  }
}
