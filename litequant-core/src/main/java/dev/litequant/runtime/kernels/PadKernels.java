package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.MIRROR_PAD;
import static dev.litequant.graph.BuiltinOperator.PAD;
import static dev.litequant.graph.BuiltinOperator.PADV2;

import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * PAD and PADV2 (a constant border) and MIRROR_PAD (a border mirrored from the input). PAD fills
 * with the output's zero point when it is quantized, so that the border is a real 0, and with 0
 * otherwise; PADV2 fills with its constant input's raw value.
 */
final class PadKernels {
  private PadKernels() {}

  /** MirrorPadOptions.mode: the edge is not repeated (REFLECT) or is repeated (SYMMETRIC). */
  private static final int REFLECT = 0;
  private static final int SYMMETRIC = 1;

  static void register(KernelRegistry.Builder b) {
    b.add(PAD, 4, PadKernels::pad);
    b.add(PADV2, 4, PadKernels::pad);
    b.add(MIRROR_PAD, 2, PadKernels::mirrorPad);
  }

  /** The [rank, 2] paddings of input 1, checked non-negative. */
  private static int[] paddings(OpContext ctx, RuntimeTensor in) {
    RuntimeTensor p = ShapeInputs.requireInteger(ctx, 1, "paddings");
    int rank = in.rank();
    if (p.rank() != 2 || p.dim(0) != rank || p.dim(1) != 2) {
      throw ctx.invalid("needs paddings of shape [" + rank + ", 2] for " + in + ", got " + p);
    }
    int[] v = ShapeInputs.ints(ctx, 1, "paddings");
    for (int x : v) {
      if (x < 0) {
        throw ctx.invalid("has paddings " + Arrays.toString(v) + " with a negative entry");
      }
    }
    return v;
  }

  private static int[] paddedShape(RuntimeTensor in, int[] pads) {
    int[] dims = new int[in.rank()];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = in.dim(d) + pads[2 * d] + pads[2 * d + 1];
    }
    return dims;
  }

  /** PAD and PADV2. */
  static Kernel pad(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] pads = paddings(ctx, in);
    int[] dims = paddedShape(in, pads);
    int[] strides = Shapes.strides(in.dims());
    int[][] tables = new int[dims.length][];
    for (int d = 0; d < dims.length; d++) {
      int left = pads[2 * d];
      int n = in.dim(d);
      tables[d] = new int[dims[d]];
      for (int p = 0; p < dims[d]; p++) {
        tables[d][p] = p < left || p >= left + n ? AxisGather.PAD : (p - left) * strides[d];
      }
    }
    ctx.setOutputShape(0, dims);
    AxisGather plan = new AxisGather(tables);
    Object padRow = Elements.allocate(out.kind(), Math.max(1, plan.innerLength()));
    RuntimeTensor constant = ctx.input(2);
    if (constant == null) {
      Elements.broadcastFirst(Elements.scalar(out.kind(), Elements.zeroValue(ctx, out)), padRow, 0, plan.innerLength());
      return () -> plan.copy(Elements.array(in), Elements.array(out), padRow);
    }
    Elements.requireSameType(ctx, in, constant);
    if (constant.size() != 1) {
      throw ctx.invalid("needs a single constant value, got " + constant);
    }
    requireSameQuantization(ctx, constant, out);
    // The constant may be computed at run time, so the pad row is refreshed on every run.
    return () -> {
      Elements.broadcastFirst(Elements.array(constant), padRow, 0, plan.innerLength());
      plan.copy(Elements.array(in), Elements.array(out), padRow);
    };
  }

  /** A quantized pad constant is copied raw, so it must be on the output's scale (as 2.6.2 requires). */
  private static void requireSameQuantization(OpContext ctx, RuntimeTensor constant, RuntimeTensor out) {
    Quantization c = constant.quantization();
    Quantization o = out.quantization();
    boolean quantized = (c != null && c.hasScale()) || (o != null && o.hasScale());
    if (quantized && (c == null || o == null || !Arrays.equals(c.scales(), o.scales())
        || !Arrays.equals(c.zeroPoints(), o.zeroPoints()))) {
      throw ctx.unsupported("a pad constant " + constant + " quantized differently from the output " + out
          + " (" + Objects.toString(c) + " vs " + Objects.toString(o) + "): it would need requantizing");
    }
  }

  /**
   * MIRROR_PAD: REFLECT mirrors about the edge element (pads up to size - 1), SYMMETRIC mirrors
   * including it (pads up to size).
   */
  static Kernel mirrorPad(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int mode = ctx.options("MirrorPadOptions").getInt("mode");
    if (mode != REFLECT && mode != SYMMETRIC) {
      throw ctx.invalid("has unknown mirror pad mode " + mode);
    }
    int[] pads = paddings(ctx, in);
    int[] dims = paddedShape(in, pads);
    int[] strides = Shapes.strides(in.dims());
    int[][] tables = new int[dims.length][];
    for (int d = 0; d < dims.length; d++) {
      int n = in.dim(d);
      int left = pads[2 * d];
      int right = pads[2 * d + 1];
      int limit = mode == REFLECT ? n - 1 : n;
      if (left > limit || right > limit) {
        throw ctx.invalid("cannot " + (mode == REFLECT ? "REFLECT" : "SYMMETRIC") + "-pad axis " + d + " of " + in
            + " by " + left + " and " + right + ": at most " + Math.max(0, limit) + " allowed");
      }
      tables[d] = new int[dims[d]];
      for (int p = 0; p < dims[d]; p++) {
        tables[d][p] = mirror(p - left, n, mode) * strides[d];
      }
    }
    ctx.setOutputShape(0, dims);
    return RearrangeKernels.gather(in, out, new AxisGather(tables));
  }

  /** The input index that padded index {@code i} (relative to the first input element) shows. */
  private static int mirror(int i, int n, int mode) {
    int skipEdge = mode == REFLECT ? 1 : 0;
    if (i < 0) {
      return -i - 1 + skipEdge;
    }
    if (i >= n) {
      return 2 * n - i - 1 - skipEdge;
    }
    return i;
  }
}
