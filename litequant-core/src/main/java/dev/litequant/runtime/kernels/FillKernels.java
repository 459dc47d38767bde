package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.FILL;
import static dev.litequant.graph.BuiltinOperator.ZEROS_LIKE;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/** FILL (one value repeated over a given shape) and ZEROS_LIKE (zeros in the input's shape). */
final class FillKernels {
  private FillKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(FILL, 3, FillKernels::fill);
    b.add(ZEROS_LIKE, 1, FillKernels::zerosLike);
  }

  /** FILL: input 0 is the output shape, input 1 the value (which may change from run to run). */
  static Kernel fill(OpContext ctx) {
    int[] dims = ShapeInputs.vector(ctx, 0, "dims");
    RuntimeTensor value = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, value, out);
    if (value.size() != 1) {
      throw ctx.invalid("needs a single fill value, got " + value);
    }
    for (int d : dims) {
      if (d < 0) {
        throw ctx.invalid("has dims " + Arrays.toString(dims) + " with a negative dimension");
      }
    }
    ctx.setOutputShape(0, dims);
    return () -> Elements.broadcastFirst(Elements.array(value), Elements.array(out), 0, out.size());
  }

  /** ZEROS_LIKE: raw zeros (false for bool), as TensorFlow Lite writes them. */
  static Kernel zerosLike(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    ctx.setOutputShape(0, in.dims());
    Object zero = Elements.scalar(out.kind(), 0);
    return () -> Elements.broadcastFirst(zero, Elements.array(out), 0, out.size());
  }
}
