package dev.litequant.quantize;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;

/**
 * Float models for the int8 table's operators that move, select, average or join values. Most keep
 * the input's scale and copy codes, so the int8 result equals the float model on the same int8
 * inputs exactly; averages and requantized joins round once.
 */
final class DataMovementOpCases {
  private DataMovementOpCases() {}

  /** Codes are copied or selected: nothing is rounded. */
  private static final double EXACT = 0;
  /** One rounding to the output scale (an average, a quantized constant). */
  private static final double ROUNDED = 0.5;
  /** A fixed-point rescaling (requantized inputs; bilinear weights in 10-bit fixed point). */
  private static final double RESCALED = 1.0;

  /** The case for an operator, or null when this class has none. */
  static OpCase forOp(BuiltinOperator op) {
    return switch (op) {
      case AVERAGE_POOL_2D -> averagePoolAfterLeakyRelu();
      case MAX_POOL_2D -> maxPool();
      case RESHAPE -> unary(op, Table.of("ReshapeOptions").with("new_shape", new int[] {1, 48}),
          "[1,4,4,3] -> [1,48]", new int[] {1, 4, 4, 3}, new int[] {1, 48}, EXACT, g -> new Tensor[] {g.ints(1, 48)});
      case SQUEEZE -> unary(op, Table.of("SqueezeOptions").with("squeeze_dims", new int[] {2}), "axis 2 of [1,4,1,3]",
          new int[] {1, 4, 1, 3}, new int[] {1, 4, 3}, EXACT, g -> new Tensor[0]);
      case EXPAND_DIMS -> unary(op, Table.of("ExpandDimsOptions"), "axis 1 into [1,4,3]", new int[] {1, 4, 3},
          new int[] {1, 1, 4, 3}, EXACT, g -> new Tensor[] {g.scalar(1)});
      case TRANSPOSE -> unary(op, Table.of("TransposeOptions"), "perm [0,3,1,2]", new int[] {1, 4, 5, 3},
          new int[] {1, 3, 4, 5}, EXACT, g -> new Tensor[] {g.ints(0, 3, 1, 2)});
      case SLICE -> unary(op, Table.of("SliceOptions"), "begin [0,1,2,0] size [1,4,3,2] of [1,6,6,3]",
          new int[] {1, 6, 6, 3}, new int[] {1, 4, 3, 2}, EXACT,
          g -> new Tensor[] {g.ints(0, 1, 2, 0), g.ints(1, 4, 3, 2)});
      case STRIDED_SLICE -> unary(op, Table.of("StridedSliceOptions"), "strides [1,2,3,1] from [0,1,0,0] of [1,8,8,3]",
          new int[] {1, 8, 8, 3}, new int[] {1, 4, 3, 3}, EXACT,
          g -> new Tensor[] {g.ints(0, 1, 0, 0), g.ints(1, 8, 8, 3), g.ints(1, 2, 3, 1)});
      case PAD -> pad();
      case PADV2 -> padV2();
      case MIRROR_PAD -> unary(op, Table.of("MirrorPadOptions").with("mode", 0),
          "REFLECT [[0,0],[1,1],[2,2],[0,0]]", new int[] {1, 4, 4, 3}, new int[] {1, 6, 8, 3}, EXACT,
          g -> new Tensor[] {g.intsShaped(new int[] {4, 2}, 0, 0, 1, 1, 2, 2, 0, 0)});
      case RESIZE_BILINEAR -> unary(op, Table.of("ResizeBilinearOptions").with("half_pixel_centers", true),
          "[1,4,4,3] to 8x8, half-pixel centers", new int[] {1, 4, 4, 3}, new int[] {1, 8, 8, 3}, RESCALED,
          g -> new Tensor[] {g.ints(8, 8)});
      case RESIZE_NEAREST_NEIGHBOR -> unary(op, Table.of("ResizeNearestNeighborOptions"), "[1,3,3,2] to 6x6",
          new int[] {1, 3, 3, 2}, new int[] {1, 6, 6, 2}, EXACT, g -> new Tensor[] {g.ints(6, 6)});
      case SPACE_TO_DEPTH -> unary(op, Table.of("SpaceToDepthOptions").with("block_size", 2), "block 2",
          new int[] {1, 4, 4, 3}, new int[] {1, 2, 2, 12}, EXACT, g -> new Tensor[0]);
      case DEPTH_TO_SPACE -> unary(op, Table.of("DepthToSpaceOptions").with("block_size", 2), "block 2",
          new int[] {1, 2, 2, 12}, new int[] {1, 4, 4, 3}, EXACT, g -> new Tensor[0]);
      case BATCH_TO_SPACE_ND -> unary(op, Table.of("BatchToSpaceNDOptions"), "block [2,2], crops [[0,0],[1,0]]",
          new int[] {4, 2, 3, 3}, new int[] {1, 4, 5, 3}, EXACT,
          g -> new Tensor[] {g.ints(2, 2), g.intsShaped(new int[] {2, 2}, 0, 0, 1, 0)});
      case SPACE_TO_BATCH_ND -> unary(op, Table.of("SpaceToBatchNDOptions"), "block [2,2], paddings [[0,0],[0,1]]",
          new int[] {1, 4, 5, 3}, new int[] {4, 2, 3, 3}, EXACT,
          g -> new Tensor[] {g.ints(2, 2), g.intsShaped(new int[] {2, 2}, 0, 0, 0, 1)});
      case GATHER -> unary(op, Table.of("GatherOptions").with("axis", 1), "constant indices [2,0,3] on axis 1",
          new int[] {4, 6, 3}, new int[] {4, 3, 3}, EXACT, g -> new Tensor[] {g.ints(2, 0, 3)});
      case GATHER_ND -> unary(op, Table.of("GatherNdOptions"), "constant index pairs [[1,2],[3,0],[0,4]]",
          new int[] {4, 5, 3}, new int[] {3, 3}, EXACT,
          g -> new Tensor[] {g.intsShaped(new int[] {3, 2}, 1, 2, 3, 0, 0, 4)});
      case BROADCAST_TO -> unary(op, Table.of("BroadcastToOptions"), "[1,1,4,3] to [2,3,4,3]", new int[] {1, 1, 4, 3},
          new int[] {2, 3, 4, 3}, EXACT, g -> new Tensor[] {g.ints(2, 3, 4, 3)});
      case REVERSE_V2 -> unary(op, Table.of("ReverseV2Options"), "axis 2", new int[] {1, 4, 5, 3},
          new int[] {1, 4, 5, 3}, EXACT, g -> new Tensor[] {g.ints(2)});
      case REDUCE_MAX, REDUCE_MIN -> unary(op, Table.of("ReducerOptions").with("keep_dims", false), "axes {1,2}",
          new int[] {1, 4, 4, 3}, new int[] {1, 3}, EXACT, g -> new Tensor[] {g.ints(1, 2)});
      case SPLIT -> split();
      case SPLIT_V -> splitV();
      case UNPACK -> unpack();
      case CONCATENATION -> concatenation();
      case PACK -> pack();
      default -> null;
    };
  }

  /** The operator's constant inputs after the data input. */
  @FunctionalInterface
  private interface Constants {
    Tensor[] make(FloatGraph g);
  }

  private static OpCase unary(BuiltinOperator op, Table options, String description, int[] in, int[] out,
      double tolerance, Constants constants) {
    FloatGraph g = new FloatGraph(op.ordinal());
    Tensor x = g.input(-1f, 2f, in);
    Tensor[] rest = constants.make(g);
    Tensor[] inputs = new Tensor[rest.length + 1];
    inputs[0] = x;
    System.arraycopy(rest, 0, inputs, 1, rest.length);
    return g.finish(description, tolerance, g.op(op, options, out, inputs));
  }

  private static Table poolOptions(Padding padding, int filter) {
    return Table.of("Pool2DOptions").with("padding", padding.code()).with("stride_h", 2).with("stride_w", 2)
        .with("filter_height", filter).with("filter_width", filter);
  }

  private static OpCase maxPool() {
    FloatGraph g = new FloatGraph(199);
    Tensor x = g.input(-1f, 2f, 1, 7, 7, 3);
    Tensor y = g.op(BuiltinOperator.MAX_POOL_2D, poolOptions(Padding.SAME, 3), new int[] {1, 4, 4, 3}, x);
    return g.finish("3x3 stride 2 SAME, [1,7,7,3]", EXACT, y);
  }

  /**
   * Fed by an int8 LEAKY_RELU: the pool takes the parameters calibrated for its output (a narrower
   * range would have given the pool's own output other parameters).
   */
  private static OpCase averagePoolAfterLeakyRelu() {
    FloatGraph g = new FloatGraph(200);
    Tensor x = g.input(-2f, 2f, 1, 6, 6, 3);
    Tensor act = g.op(BuiltinOperator.LEAKY_RELU, Table.of("LeakyReluOptions").with("alpha", 0.1f),
        new int[] {1, 6, 6, 3}, x);
    Tensor y = g.op(BuiltinOperator.AVERAGE_POOL_2D, poolOptions(Padding.VALID, 2), new int[] {1, 3, 3, 3}, act);
    return g.finish("2x2 stride 2 VALID after a LEAKY_RELU, [1,6,6,3]", RESCALED + ROUNDED, y);
  }

  /** Inputs all positive: the padding zero lies outside the data but inside the int8 range. */
  private static OpCase pad() {
    FloatGraph g = new FloatGraph(201);
    Tensor x = g.input(0.5f, 2f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.PAD, Table.of("PadOptions"), new int[] {1, 7, 7, 3}, x,
        g.intsShaped(new int[] {4, 2}, 0, 0, 1, 2, 2, 1, 0, 0));
    return g.finish("[[0,0],[1,2],[2,1],[0,0]] of positive inputs", EXACT, y);
  }

  /** The constant pad value is quantized with the output's (the input's) parameters. */
  private static OpCase padV2() {
    FloatGraph g = new FloatGraph(202);
    Tensor x = g.input(-1f, 2f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.PADV2, Table.of("PadV2Options"), new int[] {1, 7, 7, 3}, x,
        g.intsShaped(new int[] {4, 2}, 0, 0, 1, 2, 2, 1, 0, 0), g.constantOf(new float[] {0.7f}, 1));
    return g.finish("[[0,0],[1,2],[2,1],[0,0]] with constant 0.7", ROUNDED, y);
  }

  private static OpCase split() {
    FloatGraph g = new FloatGraph(203);
    Tensor axis = g.scalar(3);
    Tensor x = g.input(-1f, 2f, 1, 4, 4, 6);
    Tensor[] y = g.ops(BuiltinOperator.SPLIT, Table.of("SplitOptions").with("num_splits", 3),
        new int[][] {{1, 4, 4, 2}, {1, 4, 4, 2}, {1, 4, 4, 2}}, axis, x);
    return g.finish("[1,4,4,6] in 3 along axis 3", EXACT, y);
  }

  private static OpCase splitV() {
    FloatGraph g = new FloatGraph(204);
    Tensor x = g.input(-1f, 2f, 1, 4, 6, 3);
    Tensor[] y = g.ops(BuiltinOperator.SPLIT_V, Table.of("SplitVOptions").with("num_splits", 3),
        new int[][] {{1, 4, 1, 3}, {1, 4, 3, 3}, {1, 4, 2, 3}}, x, g.ints(1, 3, 2), g.scalar(2));
    return g.finish("[1,4,6,3] into 1, 3 and 2 along axis 2", EXACT, y);
  }

  private static OpCase unpack() {
    FloatGraph g = new FloatGraph(205);
    Tensor x = g.input(-1f, 2f, 1, 3, 4, 2);
    Tensor[] y = g.ops(BuiltinOperator.UNPACK, Table.of("UnpackOptions").with("num", 3).with("axis", 1),
        new int[][] {{1, 4, 2}, {1, 4, 2}, {1, 4, 2}}, x);
    return g.finish("[1,3,4,2] along axis 1", EXACT, y);
  }

  /**
   * Three inputs of different ranges, one computed by an int8 ADD: each is requantized to the
   * output's parameters.
   */
  private static OpCase concatenation() {
    FloatGraph g = new FloatGraph(206);
    Tensor a = g.input(-1f, 1f, 1, 4, 4, 2);
    Tensor b = g.input(0f, 4f, 1, 4, 4, 3);
    Tensor x = g.input(-3f, 0.5f, 1, 4, 4, 1);
    Tensor c = g.op(BuiltinOperator.ADD, Table.of("AddOptions"), new int[] {1, 4, 4, 1}, x,
        g.constantOf(new float[] {-1.5f}, 1));
    Tensor y = g.op(BuiltinOperator.CONCATENATION, Table.of("ConcatenationOptions").with("axis", 3),
        new int[] {1, 4, 4, 6}, a, b, c);
    return g.finish("3 inputs of different ranges (one from an ADD) along axis 3", 2 * RESCALED, y);
  }

  private static OpCase pack() {
    FloatGraph g = new FloatGraph(207);
    Tensor a = g.input(-1f, 1f, 1, 4, 3);
    Tensor b = g.input(-2f, 3f, 1, 4, 3);
    Tensor y = g.op(BuiltinOperator.PACK, Table.of("PackOptions").with("values_count", 2).with("axis", 1),
        new int[] {1, 2, 4, 3}, a, b);
    return g.finish("2 inputs of different ranges along axis 1", RESCALED, y);
  }
}
