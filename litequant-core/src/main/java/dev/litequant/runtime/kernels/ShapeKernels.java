package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.EXPAND_DIMS;
import static dev.litequant.graph.BuiltinOperator.RESHAPE;
import static dev.litequant.graph.BuiltinOperator.SHAPE;
import static dev.litequant.graph.BuiltinOperator.SQUEEZE;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data-movement ("shape") operators: the entry point that registers them all, and the
 * operators that only relabel a tensor's shape (RESHAPE, SQUEEZE, EXPAND_DIMS) or report it (SHAPE).
 *
 * <p>Every data-movement kernel copies elements without looking at them, so each works for all
 * storage kinds (float32, int32, int64, int8, uint8, int16, bool). Quantized values are copied as
 * they are, never requantized, exactly as TensorFlow Lite does; pads fill with the output's zero
 * point. Shapes are computed when preparing, from inputs known by then; the maximum versions are
 * those TensorFlow Lite 2.6.2 accepts.
 */
public final class ShapeKernels {
  private ShapeKernels() {}

  /** Registers every data-movement operator. */
  public static void register(KernelRegistry.Builder b) {
    b.add(RESHAPE, 1, ShapeKernels::reshape);
    b.add(SQUEEZE, 2, ShapeKernels::squeeze);
    b.add(EXPAND_DIMS, 1, ShapeKernels::expandDims);
    b.add(SHAPE, 1, ShapeKernels::shape);
    FillKernels.register(b);
    RearrangeKernels.register(b);
    BatchSpaceKernels.register(b);
    SliceKernels.register(b);
    PadKernels.register(b);
    ConcatSplitKernels.register(b);
    GatherKernels.register(b);
    SelectKernels.register(b);
  }

  /** A kernel that copies all elements unchanged: the output differs only in its shape. */
  static Kernel copyAll(RuntimeTensor in, RuntimeTensor out) {
    return () -> System.arraycopy(Elements.array(in), 0, Elements.array(out), 0, in.size());
  }

  /**
   * RESHAPE: the new shape comes from input 1 when it is an int32 vector, otherwise from
   * ReshapeOptions.new_shape (where the legacy {@code [0]} means a scalar); one -1 is inferred.
   */
  static Kernel reshape(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    RuntimeTensor shapeInput = ctx.input(1);
    int[] shape;
    if (shapeInput != null && shapeInput.rank() == 1 && shapeInput.type() == DataType.INT32) {
      shape = ShapeInputs.ints(ctx, 1, "shape");
    } else {
      int[] option = ctx.options("ReshapeOptions").getIntArray("new_shape");
      shape = option == null ? new int[0] : option;
      if (shape.length == 1 && shape[0] == 0) {
        shape = new int[0];
      }
    }
    ctx.setOutputShape(0, inferStretch(ctx, shape, in));
    return copyAll(in, out);
  }

  /** Replaces the one allowed -1 so that the shape holds as many elements as {@code in}. */
  private static int[] inferStretch(OpContext ctx, int[] shape, RuntimeTensor in) {
    int[] dims = shape.clone();
    int stretch = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1) {
        if (stretch >= 0) {
          throw ctx.invalid("has new shape " + Arrays.toString(shape) + " with more than one -1");
        }
        stretch = i;
      } else if (dims[i] < 0) {
        throw ctx.invalid("has new shape " + Arrays.toString(shape) + " with a negative dimension");
      } else {
        known *= dims[i];
      }
    }
    if (stretch >= 0) {
      if (known == 0) {
        throw ctx.invalid("cannot infer the -1 of new shape " + Arrays.toString(shape)
            + " when the other dimensions hold no elements");
      }
      dims[stretch] = (int) (in.size() / known);
      known *= dims[stretch];
    }
    if (known != in.size()) {
      throw ctx.invalid("cannot reshape " + in + " (" + in.size() + " elements) to "
          + Arrays.toString(shape) + " (" + known + " elements)");
    }
    return dims;
  }

  /** SQUEEZE: removes the listed size-1 axes, or every size-1 axis when none are listed. */
  static Kernel squeeze(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] listed = ctx.options("SqueezeOptions").getIntArray("squeeze_dims");
    boolean[] drop = new boolean[in.rank()];
    if (listed == null || listed.length == 0) {
      for (int d = 0; d < in.rank(); d++) {
        drop[d] = in.dim(d) == 1;
      }
    } else {
      for (int axis : listed) {
        int d = ctx.axis(axis, in.rank());
        if (in.dim(d) != 1) {
          throw ctx.invalid("cannot squeeze axis " + axis + " of " + in + ": its size is " + in.dim(d) + ", not 1");
        }
        drop[d] = true;
      }
    }
    List<Integer> kept = new ArrayList<>();
    for (int d = 0; d < in.rank(); d++) {
      if (!drop[d]) {
        kept.add(in.dim(d));
      }
    }
    ctx.setOutputShape(0, kept.stream().mapToInt(Integer::intValue).toArray());
    return copyAll(in, out);
  }

  /** EXPAND_DIMS: inserts a size-1 axis at the position input 1 gives (negative counts from the end). */
  static Kernel expandDims(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int axis = ShapeInputs.scalar(ctx, 1, "axis");
    int rank = in.rank();
    int at = axis < 0 ? axis + rank + 1 : axis;
    if (at < 0 || at > rank) {
      throw ctx.invalid("has axis " + axis + " outside [" + (-rank - 1) + ", " + rank + "] for " + in);
    }
    int[] dims = new int[rank + 1];
    for (int d = 0, s = 0; d <= rank; d++) {
      dims[d] = d == at ? 1 : in.dim(s++);
    }
    ctx.setOutputShape(0, dims);
    return copyAll(in, out);
  }

  /** SHAPE: the input's dimensions as an int32 or int64 vector (ShapeOptions.out_type). */
  static Kernel shape(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    if (out.type() != DataType.INT32 && out.type() != DataType.INT64) {
      throw ctx.invalid("must produce int32 or int64, not " + out.type().displayName());
    }
    Table options = ctx.operator().options();
    if (options != null) {
      DataType declared = DataType.fromCode(ctx.options("ShapeOptions").getInt("out_type"));
      if (declared != out.type()) {
        throw ctx.invalid("declares out_type " + (declared == null ? "unknown" : declared.displayName())
            + " but its output is " + out);
      }
    }
    int[] dims = in.shape();
    ctx.setOutputShape(0, dims.length);
    ctx.declareShapeOnly();
    return () -> {
      for (int i = 0; i < dims.length; i++) {
        if (out.type() == DataType.INT32) {
          out.ints()[i] = dims[i];
        } else {
          out.longs()[i] = dims[i];
        }
      }
    };
  }
}
