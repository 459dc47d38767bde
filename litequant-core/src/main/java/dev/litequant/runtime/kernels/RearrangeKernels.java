package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BROADCAST_TO;
import static dev.litequant.graph.BuiltinOperator.DEPTH_TO_SPACE;
import static dev.litequant.graph.BuiltinOperator.REVERSE_V2;
import static dev.litequant.graph.BuiltinOperator.SPACE_TO_DEPTH;
import static dev.litequant.graph.BuiltinOperator.TILE;
import static dev.litequant.graph.BuiltinOperator.TRANSPOSE;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/**
 * Operators that reorder or repeat elements without choosing them by value: TRANSPOSE, TILE,
 * BROADCAST_TO, REVERSE_V2, SPACE_TO_DEPTH and DEPTH_TO_SPACE. Each one is an {@link AxisGather}
 * whose offset tables are computed when preparing.
 */
final class RearrangeKernels {
  private RearrangeKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(TRANSPOSE, 5, RearrangeKernels::transpose);
    b.add(TILE, 2, RearrangeKernels::tile);
    b.add(BROADCAST_TO, 3, RearrangeKernels::broadcastTo);
    b.add(REVERSE_V2, 3, RearrangeKernels::reverse);
    b.add(SPACE_TO_DEPTH, 2, RearrangeKernels::spaceToDepth);
    b.add(DEPTH_TO_SPACE, 2, RearrangeKernels::depthToSpace);
  }

  static Kernel gather(RuntimeTensor in, RuntimeTensor out, AxisGather plan) {
    return () -> plan.copy(Elements.array(in), Elements.array(out), null);
  }

  /** TRANSPOSE: output axis k is input axis perm[k]. */
  static Kernel transpose(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] perm = ShapeInputs.vector(ctx, 1, "permutation");
    int rank = in.rank();
    if (perm.length != rank) {
      throw ctx.invalid("has permutation " + Arrays.toString(perm) + " for " + in + " of rank " + rank);
    }
    boolean[] seen = new boolean[rank];
    for (int p : perm) {
      if (p < 0 || p >= rank || seen[p]) {
        throw ctx.invalid("has permutation " + Arrays.toString(perm) + ", which is not a permutation of 0.."
            + (rank - 1));
      }
      seen[p] = true;
    }
    int[] strides = Shapes.strides(in.dims());
    int[] dims = new int[rank];
    int[][] tables = new int[rank][];
    for (int k = 0; k < rank; k++) {
      dims[k] = in.dim(perm[k]);
      tables[k] = AxisGather.linear(dims[k], 0, 1, strides[perm[k]]);
    }
    ctx.setOutputShape(0, dims);
    return gather(in, out, new AxisGather(tables));
  }

  /** TILE: the input repeated multiples[d] times along each axis d. */
  static Kernel tile(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] multiples = ShapeInputs.vector(ctx, 1, "multiples");
    int rank = in.rank();
    if (multiples.length != rank) {
      throw ctx.invalid("has multiples " + Arrays.toString(multiples) + " for " + in + " of rank " + rank);
    }
    int[] strides = Shapes.strides(in.dims());
    int[] dims = new int[rank];
    int[][] tables = new int[rank][];
    for (int d = 0; d < rank; d++) {
      if (multiples[d] < 0) {
        throw ctx.invalid("has multiples " + Arrays.toString(multiples) + " with a negative entry");
      }
      long n = (long) in.dim(d) * multiples[d];
      if (n > Integer.MAX_VALUE) {
        throw ctx.invalid("would tile " + in + " by " + Arrays.toString(multiples) + " beyond 2^31 elements per axis");
      }
      dims[d] = (int) n;
      tables[d] = new int[dims[d]];
      for (int p = 0; p < dims[d]; p++) {
        tables[d][p] = (p % in.dim(d)) * strides[d];
      }
    }
    ctx.setOutputShape(0, dims);
    return gather(in, out, new AxisGather(tables));
  }

  /** BROADCAST_TO: numpy broadcasting of the input to the shape input 1 gives. */
  static Kernel broadcastTo(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] shape = ShapeInputs.vector(ctx, 1, "shape");
    int rank = shape.length;
    int lead = rank - in.rank();
    if (lead < 0) {
      throw ctx.invalid("cannot broadcast " + in + " to the lower-rank shape " + Arrays.toString(shape));
    }
    int[] strides = Shapes.strides(in.dims());
    int[][] tables = new int[rank][];
    for (int d = 0; d < rank; d++) {
      if (shape[d] < 0) {
        throw ctx.invalid("has target shape " + Arrays.toString(shape) + " with a negative dimension");
      }
      int source = d < lead ? 1 : in.dim(d - lead);
      if (source != shape[d] && source != 1) {
        throw ctx.invalid("cannot broadcast " + in + " to shape " + Arrays.toString(shape));
      }
      tables[d] = source == 1 ? new int[shape[d]] : AxisGather.linear(shape[d], 0, 1, strides[d - lead]);
    }
    ctx.setOutputShape(0, shape);
    return gather(in, out, new AxisGather(tables));
  }

  /**
   * REVERSE_V2: reverses every listed axis (negative axes count from the end). TensorFlow Lite
   * 2.6.2 reverses only the first listed axis of several; this follows TensorFlow and later
   * TensorFlow Lite, which reverse them all.
   */
  static Kernel reverse(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    int[] axes = ShapeInputs.vector(ctx, 1, "axis");
    int rank = in.rank();
    boolean[] reversed = new boolean[rank];
    for (int a : axes) {
      int d = ctx.axis(a, rank);
      if (reversed[d]) {
        throw ctx.invalid("lists axis " + a + " twice in " + Arrays.toString(axes));
      }
      reversed[d] = true;
    }
    int[] strides = Shapes.strides(in.dims());
    int[][] tables = new int[rank][];
    for (int d = 0; d < rank; d++) {
      int n = in.dim(d);
      tables[d] = reversed[d] ? AxisGather.linear(n, n - 1, -1, strides[d]) : AxisGather.linear(n, 0, 1, strides[d]);
    }
    ctx.setOutputShape(0, in.dims());
    return gather(in, out, new AxisGather(tables));
  }

  /** The block size option, checked. */
  private static int blockSize(OpContext ctx, String options) {
    int block = ctx.options(options).getInt("block_size");
    if (block < 1) {
      throw ctx.invalid("has block size " + block + "; it must be at least 1");
    }
    return block;
  }

  private static RuntimeTensor require4d(OpContext ctx, RuntimeTensor out) {
    RuntimeTensor in = ctx.requireInput(0);
    Elements.requireSameType(ctx, in, out);
    if (in.rank() != 4) {
      throw ctx.invalid("needs a 4-D NHWC input, got " + in);
    }
    return in;
  }

  /**
   * SPACE_TO_DEPTH: each block x block patch of an NHWC image becomes one pixel whose channels are
   * the patch's pixels in row-major order. The output is written as the 6-D view
   * [N, H/b, W/b, row in block, column in block, C].
   */
  static Kernel spaceToDepth(OpContext ctx) {
    RuntimeTensor out = ctx.output(0);
    RuntimeTensor in = require4d(ctx, out);
    int b = blockSize(ctx, "SpaceToDepthOptions");
    int n = in.dim(0);
    int h = in.dim(1);
    int w = in.dim(2);
    int c = in.dim(3);
    if (h % b != 0 || w % b != 0) {
      throw ctx.invalid("cannot split " + in + " into " + b + "x" + b + " blocks: height and width must be multiples of " + b);
    }
    int[] s = Shapes.strides(in.dims());
    int[][] tables = {
        AxisGather.linear(n, 0, 1, s[0]),
        AxisGather.linear(h / b, 0, b, s[1]),
        AxisGather.linear(w / b, 0, b, s[2]),
        AxisGather.linear(b, 0, 1, s[1]),
        AxisGather.linear(b, 0, 1, s[2]),
        AxisGather.linear(c, 0, 1, s[3]),
    };
    ctx.setOutputShape(0, n, h / b, w / b, c * b * b);
    return gather(in, out, new AxisGather(tables));
  }

  /**
   * DEPTH_TO_SPACE: the inverse of SPACE_TO_DEPTH. The output is written as the 6-D view
   * [N, H, row in block, W, column in block, C / (b * b)].
   */
  static Kernel depthToSpace(OpContext ctx) {
    RuntimeTensor out = ctx.output(0);
    RuntimeTensor in = require4d(ctx, out);
    int b = blockSize(ctx, "DepthToSpaceOptions");
    int n = in.dim(0);
    int h = in.dim(1);
    int w = in.dim(2);
    int c = in.dim(3);
    if (c % (b * b) != 0) {
      throw ctx.invalid("has " + c + " channels in " + in + ", not a multiple of block size " + b + " squared");
    }
    int depth = c / (b * b);
    int[] s = Shapes.strides(in.dims());
    int[][] tables = {
        AxisGather.linear(n, 0, 1, s[0]),
        AxisGather.linear(h, 0, 1, s[1]),
        AxisGather.linear(b, 0, b * depth, 1),
        AxisGather.linear(w, 0, 1, s[2]),
        AxisGather.linear(b, 0, depth, 1),
        AxisGather.linear(depth, 0, 1, 1),
    };
    ctx.setOutputShape(0, n, h * b, w * b, depth);
    return gather(in, out, new AxisGather(tables));
  }
}
