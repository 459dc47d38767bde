package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.CONCATENATION;
import static dev.litequant.graph.BuiltinOperator.PACK;
import static dev.litequant.graph.BuiltinOperator.SPLIT;
import static dev.litequant.graph.BuiltinOperator.SPLIT_V;
import static dev.litequant.graph.BuiltinOperator.UNPACK;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/**
 * Joining tensors along an axis (CONCATENATION, PACK) and cutting one apart (SPLIT, SPLIT_V,
 * UNPACK). Seen from the axis, a tensor is {@code outer} rows, each holding one contiguous block
 * per part, so every part moves as {@code outer} block copies.
 */
final class ConcatSplitKernels {
  private ConcatSplitKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(CONCATENATION, 3, ConcatSplitKernels::concatenation);
    b.add(PACK, 3, ConcatSplitKernels::pack);
    b.add(UNPACK, 4, ConcatSplitKernels::unpack);
    b.add(SPLIT, 4, ConcatSplitKernels::split);
    b.add(SPLIT_V, 2, ConcatSplitKernels::splitV);
  }

  /** The row layout of a whole tensor cut along one axis into parts of the given extents. */
  private record Blocks(int outer, int[] blockSizes, int rowSize) {
    static Blocks of(int[] wholeDims, int axis, int[] extents) {
      int outer = 1;
      for (int d = 0; d < axis; d++) {
        outer *= wholeDims[d];
      }
      int inner = 1;
      for (int d = axis + 1; d < wholeDims.length; d++) {
        inner *= wholeDims[d];
      }
      int[] sizes = new int[extents.length];
      int row = 0;
      for (int i = 0; i < extents.length; i++) {
        sizes[i] = extents[i] * inner;
        row += sizes[i];
      }
      return new Blocks(outer, sizes, row);
    }

    void join(RuntimeTensor[] parts, RuntimeTensor whole) {
      Object dst = Elements.array(whole);
      for (int i = 0; i < parts.length; i++) {
        Object src = Elements.array(parts[i]);
        int size = blockSizes[i];
        int at = offsetOf(i);
        for (int o = 0; o < outer; o++) {
          System.arraycopy(src, o * size, dst, o * rowSize + at, size);
        }
      }
    }

    void cut(RuntimeTensor whole, RuntimeTensor[] parts) {
      Object src = Elements.array(whole);
      for (int i = 0; i < parts.length; i++) {
        Object dst = Elements.array(parts[i]);
        int size = blockSizes[i];
        int at = offsetOf(i);
        for (int o = 0; o < outer; o++) {
          System.arraycopy(src, o * rowSize + at, dst, o * size, size);
        }
      }
    }

    private int offsetOf(int part) {
      int at = 0;
      for (int i = 0; i < part; i++) {
        at += blockSizes[i];
      }
      return at;
    }
  }

  private static RuntimeTensor[] inputs(OpContext ctx) {
    RuntimeTensor[] parts = new RuntimeTensor[ctx.inputCount()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = ctx.requireInput(i);
    }
    if (parts.length == 0) {
      throw ctx.invalid("has no inputs");
    }
    return parts;
  }

  private static RuntimeTensor[] outputs(OpContext ctx, int expected) {
    if (ctx.outputCount() != expected) {
      throw ctx.invalid("has " + ctx.outputCount() + " outputs where " + expected + " are expected");
    }
    RuntimeTensor[] parts = new RuntimeTensor[expected];
    for (int i = 0; i < expected; i++) {
      parts[i] = ctx.output(i);
    }
    return parts;
  }

  /**
   * Joined values are copied raw, so quantized inputs must share the output's scale and zero point.
   * TensorFlow Lite requires that of int8 and of every PACK, requantizes uint8 CONCATENATION inputs
   * (not implemented here), and for int16 CONCATENATION requires zero points 0 but copies the codes
   * whatever the scales.
   */
  private static void checkJoinQuantization(OpContext ctx, RuntimeTensor[] parts, RuntimeTensor out, boolean pack) {
    DataType type = out.type();
    if (type == DataType.INT16 && !pack) {
      for (RuntimeTensor t : concat(parts, out)) {
        Quantization q = t.quantization();
        if (q != null && q.hasScale() && q.zeroPoint() != 0) {
          throw ctx.invalid("has int16 tensor " + t + " with zero point " + q.zeroPoint()
              + "; TensorFlow Lite requires 0 for int16 CONCATENATION");
        }
      }
      return;
    }
    if (type != DataType.INT8 && type != DataType.UINT8 && type != DataType.INT16) {
      return;
    }
    for (RuntimeTensor p : parts) {
      if (!sameQuantization(p.quantization(), out.quantization())) {
        if (type == DataType.UINT8 && !pack) {
          throw ctx.unsupported("uint8 input " + p + " quantized differently from the output " + out
              + " (requantizing concatenation)");
        }
        throw ctx.invalid("has " + type.displayName() + " input " + p + " quantized differently from the output "
            + out + "; its values are copied unchanged, so the scales and zero points must match");
      }
    }
  }

  private static RuntimeTensor[] concat(RuntimeTensor[] parts, RuntimeTensor out) {
    RuntimeTensor[] all = Arrays.copyOf(parts, parts.length + 1);
    all[parts.length] = out;
    return all;
  }

  private static boolean sameQuantization(Quantization a, Quantization b) {
    boolean qa = a != null && a.hasScale();
    boolean qb = b != null && b.hasScale();
    if (!qa || !qb) {
      return qa == qb;
    }
    return Arrays.equals(a.scales(), b.scales()) && Arrays.equals(a.zeroPoints(), b.zeroPoints());
  }

  /** CONCATENATION: inputs of equal rank and type, alike except along the axis; float may fuse an activation. */
  static Kernel concatenation(OpContext ctx) {
    RuntimeTensor[] parts = inputs(ctx);
    RuntimeTensor out = ctx.output(0);
    Table o = ctx.options("ConcatenationOptions");
    RuntimeTensor first = parts[0];
    int rank = first.rank();
    int axis = ctx.axis(o.getInt("axis"), rank);
    int[] dims = first.shape();
    int[] extents = new int[parts.length];
    int total = 0;
    for (int i = 0; i < parts.length; i++) {
      RuntimeTensor p = parts[i];
      Elements.requireSameType(ctx, p, out);
      if (p.rank() != rank) {
        throw ctx.invalid("cannot join " + p + " with " + first + ": ranks differ");
      }
      for (int d = 0; d < rank; d++) {
        if (d != axis && p.dim(d) != dims[d]) {
          throw ctx.invalid("cannot join " + p + " with " + first + " along axis " + axis + ": axis " + d + " differs");
        }
      }
      extents[i] = p.dim(axis);
      total += extents[i];
    }
    dims[axis] = total;
    checkJoinQuantization(ctx, parts, out, false);
    FusedActivations act = FusedActivations.of(o.getInt("fused_activation_function"));
    if (!act.isNone() && out.type() != DataType.FLOAT32) {
      throw ctx.unsupported("a fused activation on " + out.type().displayName() + " values");
    }
    ctx.setOutputShape(0, dims);
    Blocks blocks = Blocks.of(dims, axis, extents);
    if (act.isNone()) {
      return () -> blocks.join(parts, out);
    }
    return () -> {
      blocks.join(parts, out);
      float[] y = out.floats();
      for (int i = 0; i < out.size(); i++) {
        y[i] = act.apply(y[i]);
      }
    };
  }

  /** PACK: equal-shaped inputs stacked along a new axis. */
  static Kernel pack(OpContext ctx) {
    RuntimeTensor[] parts = inputs(ctx);
    RuntimeTensor out = ctx.output(0);
    Table o = ctx.options("PackOptions");
    int count = o.getInt("values_count");
    if (count != parts.length) {
      throw ctx.invalid("has values_count " + count + " but " + parts.length + " inputs");
    }
    RuntimeTensor first = parts[0];
    for (RuntimeTensor p : parts) {
      Elements.requireSameType(ctx, p, out);
      if (!Arrays.equals(p.dims(), first.dims())) {
        throw ctx.invalid("cannot stack " + p + " with " + first + ": shapes differ");
      }
    }
    checkJoinQuantization(ctx, parts, out, true);
    int rank = first.rank() + 1;
    int axis = ctx.axis(o.getInt("axis"), rank);
    int[] dims = insert(first.dims(), axis, parts.length);
    ctx.setOutputShape(0, dims);
    int[] ones = new int[parts.length];
    Arrays.fill(ones, 1);
    Blocks blocks = Blocks.of(dims, axis, ones);
    return () -> blocks.join(parts, out);
  }

  /** UNPACK: the input cut into its slices along an axis, which disappears. */
  static Kernel unpack(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    Table o = ctx.options("UnpackOptions");
    int axis = ctx.axis(o.getInt("axis"), in.rank());
    int n = in.dim(axis);
    if (o.getInt("num") != n) {
      throw ctx.invalid("has num " + o.getInt("num") + " but axis " + axis + " of " + in + " has size " + n);
    }
    RuntimeTensor[] parts = outputs(ctx, n);
    int[] dims = remove(in.dims(), axis);
    for (int i = 0; i < n; i++) {
      Elements.requireSameType(ctx, in, parts[i]);
      ctx.setOutputShape(i, dims);
    }
    int[] ones = new int[n];
    Arrays.fill(ones, 1);
    Blocks blocks = Blocks.of(in.dims(), axis, ones);
    return () -> blocks.cut(in, parts);
  }

  /** SPLIT: inputs (axis, tensor); num_splits equal parts along the axis. */
  static Kernel split(OpContext ctx) {
    int axisValue = ShapeInputs.scalar(ctx, 0, "axis");
    RuntimeTensor in = ctx.requireInput(1);
    int axis = ctx.axis(axisValue, in.rank());
    int count = ctx.options("SplitOptions").getInt("num_splits");
    if (count < 1 || in.dim(axis) % count != 0) {
      throw ctx.invalid("cannot split axis " + axis + " of " + in + " into " + count + " equal parts");
    }
    int[] extents = new int[count];
    Arrays.fill(extents, in.dim(axis) / count);
    return cutInto(ctx, in, axis, extents);
  }

  /** SPLIT_V: inputs (tensor, size_splits, axis); one size may be -1, meaning "the rest". */
  static Kernel splitV(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    int[] sizes = ShapeInputs.vector(ctx, 1, "size_splits");
    int axis = ctx.axis(ShapeInputs.scalar(ctx, 2, "axis"), in.rank());
    int count = ctx.options("SplitVOptions").getInt("num_splits");
    if (count != sizes.length) {
      throw ctx.invalid("has num_splits " + count + " but " + sizes.length + " size_splits");
    }
    int[] extents = sizes.clone();
    int rest = -1;
    long known = 0;
    for (int i = 0; i < extents.length; i++) {
      if (extents[i] == -1 && rest < 0) {
        rest = i;
      } else if (extents[i] < 0) {
        throw ctx.invalid("has size_splits " + Arrays.toString(sizes) + ": only one -1 and no other negative size allowed");
      } else {
        known += extents[i];
      }
    }
    if (rest >= 0) {
      extents[rest] = (int) (in.dim(axis) - known);
    }
    if ((rest >= 0 && extents[rest] < 0) || (rest < 0 && known != in.dim(axis))) {
      throw ctx.invalid("has size_splits " + Arrays.toString(sizes) + " that do not add up to " + in.dim(axis)
          + ", the size of axis " + axis + " of " + in);
    }
    return cutInto(ctx, in, axis, extents);
  }

  private static Kernel cutInto(OpContext ctx, RuntimeTensor in, int axis, int[] extents) {
    RuntimeTensor[] parts = outputs(ctx, extents.length);
    for (int i = 0; i < parts.length; i++) {
      Elements.requireSameType(ctx, in, parts[i]);
      int[] dims = in.shape();
      dims[axis] = extents[i];
      ctx.setOutputShape(i, dims);
    }
    Blocks blocks = Blocks.of(in.dims(), axis, extents);
    return () -> blocks.cut(in, parts);
  }

  static int[] insert(int[] dims, int at, int value) {
    int[] r = new int[dims.length + 1];
    for (int d = 0, s = 0; d < r.length; d++) {
      r[d] = d == at ? value : dims[s++];
    }
    return r;
  }

  static int[] remove(int[] dims, int at) {
    int[] r = new int[dims.length - 1];
    for (int d = 0, s = 0; s < dims.length; s++) {
      if (s != at) {
        r[d++] = dims[s];
      }
    }
    return r;
  }
}
