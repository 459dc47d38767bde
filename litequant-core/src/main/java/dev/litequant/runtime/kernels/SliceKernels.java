package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.SLICE;
import static dev.litequant.graph.BuiltinOperator.STRIDED_SLICE;

import dev.litequant.InvalidArgumentException;
import dev.litequant.flatbuf.Table;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/** SLICE (begin and size per axis) and STRIDED_SLICE (numpy-style indexing, see {@link StridedSliceSpec}). */
final class SliceKernels {
  private SliceKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(SLICE, 5, SliceKernels::slice);
    b.add(STRIDED_SLICE, 6, SliceKernels::stridedSlice);
  }

  /** SLICE: {@code size[d]} elements from {@code begin[d]} along each axis; size -1 means "to the end". */
  static Kernel slice(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] begin = ShapeInputs.vector(ctx, 1, "begin");
    int[] size = ShapeInputs.vector(ctx, 2, "size");
    int rank = in.rank();
    if (begin.length != rank || size.length != rank) {
      throw ctx.invalid("has begin " + Arrays.toString(begin) + " and size " + Arrays.toString(size)
          + " for " + in + " of rank " + rank);
    }
    int[] strides = Shapes.strides(in.dims());
    int[] dims = new int[rank];
    int[][] tables = new int[rank][];
    for (int d = 0; d < rank; d++) {
      int n = size[d] == -1 ? in.dim(d) - begin[d] : size[d];
      if (begin[d] < 0 || n < 0 || (long) begin[d] + n > in.dim(d)) {
        throw ctx.invalid("cannot take begin " + Arrays.toString(begin) + " and size " + Arrays.toString(size)
            + " from " + in + ": axis " + d + " would be outside [0, " + in.dim(d) + ")");
      }
      dims[d] = n;
      tables[d] = AxisGather.linear(n, begin[d], 1, strides[d]);
    }
    ctx.setOutputShape(0, dims);
    return RearrangeKernels.gather(in, out, new AxisGather(tables));
  }

  /**
   * STRIDED_SLICE. With the {@code offset} option, end holds sizes relative to begin, so the output
   * shape does not depend on begin, which may then be computed at run time.
   */
  static Kernel stridedSlice(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    Table o = ctx.options("StridedSliceOptions");
    StridedSliceSpec.Masks masks = new StridedSliceSpec.Masks(o.getInt("begin_mask"), o.getInt("end_mask"),
        o.getInt("ellipsis_mask"), o.getInt("new_axis_mask"), o.getInt("shrink_axis_mask"), o.getBool("offset"));
    int[] end = ShapeInputs.vector(ctx, 2, "end");
    int[] strides = ShapeInputs.vector(ctx, 3, "strides");
    RuntimeTensor beginTensor = ShapeInputs.requireInteger(ctx, 1, "begin");
    int[] inputStrides = Shapes.strides(in.dims());
    if (masks.offset() && !beginTensor.isKnown() && beginTensor.size() > 0) {
      int[] shape = resolve(ctx, in, null, end, strides, masks).outputShape();
      ctx.setOutputShape(0, shape);
      String where = "Operator " + ctx.operatorIndex() + " (" + ctx.operator().displayName() + ")";
      return () -> {
        int[] begin = new int[beginTensor.size()];
        for (int i = 0; i < begin.length; i++) {
          begin[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, beginTensor.getLong(i)));
        }
        StridedSliceSpec spec;
        try {
          spec = StridedSliceSpec.resolve(in.dims(), begin, end, strides, masks);
        } catch (StridedSliceSpec.Problem e) {
          throw new InvalidArgumentException(where + " " + e.getMessage() + ".");
        }
        if (!Arrays.equals(spec.outputShape(), shape)) {
          throw new InvalidArgumentException(where + " cannot take " + Arrays.toString(shape) + " elements from begin "
              + Arrays.toString(begin) + " in " + in + ": only " + Arrays.toString(spec.outputShape()) + " fit.");
        }
        spec.plan(inputStrides).copy(Elements.array(in), Elements.array(out), null);
      };
    }
    int[] begin = ShapeInputs.vector(ctx, 1, "begin");
    StridedSliceSpec spec = resolve(ctx, in, begin, end, strides, masks);
    if (masks.offset()) {
      int[] declared = resolve(ctx, in, null, end, strides, masks).outputShape();
      if (!Arrays.equals(spec.outputShape(), declared)) {
        throw ctx.invalid("cannot take " + Arrays.toString(declared) + " elements from begin " + Arrays.toString(begin)
            + " in " + in + ": only " + Arrays.toString(spec.outputShape()) + " fit");
      }
    }
    ctx.setOutputShape(0, spec.outputShape());
    return RearrangeKernels.gather(in, out, spec.plan(inputStrides));
  }

  private static StridedSliceSpec resolve(OpContext ctx, RuntimeTensor in, int[] begin, int[] end, int[] strides,
      StridedSliceSpec.Masks masks) {
    try {
      return StridedSliceSpec.resolve(in.dims(), begin, end, strides, masks);
    } catch (StridedSliceSpec.Problem e) {
      throw ctx.invalid(e.getMessage() + " (begin " + (begin == null ? "computed at run time" : Arrays.toString(begin))
          + ", end " + Arrays.toString(end) + ", strides " + Arrays.toString(strides) + ", input " + in + ")");
    }
  }
}
