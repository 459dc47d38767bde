package dev.litequant.quantize;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;

/**
 * Float models for the int8 table's computing operators: those with weights, the elementwise
 * arithmetic, the activations and the reductions. Each computes new values, so the int8 result
 * carries at least one output rounding (half an output scale) and, with weights, their rounding too.
 */
final class ArithmeticOpCases {
  private ArithmeticOpCases() {}

  /** One rounding of the exact result (a table of the float function, a float-computed sum). */
  private static final double ROUNDED = 0.5;
  /**
   * A fixed-point rescaling: TensorFlow Lite's MultiplyByQuantizedMultiplier rounds twice, and some
   * kernels work on 16-bit or 2^-20 intermediates, so the result may be off by up to one step.
   */
  private static final double RESCALED = 1.0;
  /** Weights (or a constant operand) quantized to 8 bits: their rounding adds up over the taps. */
  private static final double WEIGHTED = 2.0;

  /** The case for an operator, or null when this class has none. */
  static OpCase forOp(BuiltinOperator op) {
    return switch (op) {
      case CONV_2D -> conv2d();
      case DEPTHWISE_CONV_2D -> depthwiseConv2d();
      case FULLY_CONNECTED -> fullyConnected();
      case TRANSPOSE_CONV -> transposeConv();
      case BATCH_MATMUL -> batchMatMul();
      case ADD -> binary(op, Table.of("AddOptions"), "broadcast [1,4,4,3] + [1,1,1,3]", new int[] {1, 1, 1, 3});
      case SUB -> binary(op, Table.of("SubOptions").with("fused_activation_function", FusedActivation.RELU6.code()),
          "[1,4,4,3] - [1,4,4,3], fused RELU6", new int[] {1, 4, 4, 3});
      case MUL -> mulByConstant();
      case SQUARED_DIFFERENCE -> binary(op, Table.of("SquaredDifferenceOptions"), "[1,4,4,3] and [1,4,4,3]",
          new int[] {1, 4, 4, 3});
      case MAXIMUM, MINIMUM -> binary(op, Table.of("MaximumMinimumOptions"),
          "[1,4,4,3] and [1,4,4,3] of different ranges (requantized)", new int[] {1, 4, 4, 3});
      case PRELU -> prelu();
      case RELU -> unary(op, null, -3f, 3f, RESCALED);
      case RELU6 -> unary(op, null, -2f, 8f, RESCALED);
      case RELU_N1_TO_1 -> unary(op, null, -2f, 2f, RESCALED);
      case LEAKY_RELU -> unary(op, Table.of("LeakyReluOptions").with("alpha", 0.2f), -3f, 3f, RESCALED);
      case HARD_SWISH -> unary(op, null, -5f, 5f, RESCALED);
      case LOGISTIC -> unary(op, null, -6f, 6f, ROUNDED);
      case TANH -> unary(op, null, -3f, 3f, ROUNDED);
      case ABS -> unary(op, Table.of("AbsOptions"), -3f, 2f, RESCALED);
      // Rsqrt is only defined on positive inputs; 2.6.2 stops on a code below the zero point.
      case RSQRT -> unary(op, null, 0.25f, 4f, RESCALED);
      case SOFTMAX -> rows(op, Table.of("SoftmaxOptions").with("beta", 1f), RESCALED);
      case LOG_SOFTMAX -> rows(op, Table.of("LogSoftmaxOptions"), RESCALED);
      case L2_NORMALIZATION -> rows(op, Table.of("L2NormOptions"), RESCALED);
      case MEAN -> mean();
      case SUM -> sum();
      default -> null;
    };
  }

  private static Table conv(String table, Padding padding, int stride) {
    return Table.of(table).with("padding", padding.code()).with("stride_h", stride).with("stride_w", stride);
  }

  private static OpCase conv2d() {
    FloatGraph g = new FloatGraph(101);
    Tensor x = g.input(-1f, 1f, 1, 9, 9, 3);
    Tensor y = g.op(BuiltinOperator.CONV_2D, conv("Conv2DOptions", Padding.SAME, 2), new int[] {1, 5, 5, 8}, x,
        g.constant(-0.5f, 0.5f, 8, 3, 3, 3), g.constant(-0.2f, 0.2f, 8));
    return g.finish("3x3 stride 2 SAME, 8 filters with bias, [1,9,9,3] -> [1,5,5,8]", WEIGHTED, y);
  }

  private static OpCase depthwiseConv2d() {
    FloatGraph g = new FloatGraph(102);
    Tensor x = g.input(-1f, 1f, 1, 8, 8, 3);
    Table options = conv("DepthwiseConv2DOptions", Padding.VALID, 1).with("depth_multiplier", 2);
    Tensor y = g.op(BuiltinOperator.DEPTHWISE_CONV_2D, options, new int[] {1, 6, 6, 6}, x,
        g.constant(-0.5f, 0.5f, 1, 3, 3, 6), g.constant(-0.2f, 0.2f, 6));
    return g.finish("3x3 VALID, depth multiplier 2 with bias, [1,8,8,3] -> [1,6,6,6]", WEIGHTED, y);
  }

  private static OpCase fullyConnected() {
    FloatGraph g = new FloatGraph(103);
    Tensor x = g.input(-1f, 1f, 2, 16);
    Tensor y = g.op(BuiltinOperator.FULLY_CONNECTED,
        Table.of("FullyConnectedOptions").with("fused_activation_function", FusedActivation.RELU.code()),
        new int[] {2, 8}, x, g.constant(-0.5f, 0.5f, 8, 16), g.constant(-0.3f, 0.3f, 8));
    return g.finish("16 -> 8 units with bias, fused RELU, batch 2", WEIGHTED, y);
  }

  private static OpCase transposeConv() {
    FloatGraph g = new FloatGraph(104);
    Tensor x = g.input(-1f, 1f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.TRANSPOSE_CONV, conv("TransposeConvOptions", Padding.SAME, 2),
        new int[] {1, 8, 8, 4}, g.ints(1, 8, 8, 4), g.constant(-0.5f, 0.5f, 4, 3, 3, 3), x,
        g.constant(-0.2f, 0.2f, 4));
    return g.finish("3x3 stride 2 SAME with bias, [1,4,4,3] -> [1,8,8,4]", WEIGHTED, y);
  }

  /** Both operands at run time, and (as in attention layers) a constant right-hand side. */
  private static OpCase batchMatMul() {
    FloatGraph g = new FloatGraph(105);
    Tensor a = g.input(-1f, 1f, 2, 4, 6);
    Tensor b = g.input(-0.5f, 2f, 2, 6, 5);
    Tensor y = g.op(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), new int[] {2, 4, 5}, a, b);
    Tensor z = g.op(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), new int[] {2, 4, 3}, a,
        g.constant(-0.5f, 0.5f, 6, 3));
    return g.finish("[2,4,6] x [2,6,5] at run time and x a constant [6,3]", WEIGHTED, y, z);
  }

  /** Two runtime inputs with different ranges, so the int8 kernel rescales both. */
  private static OpCase binary(BuiltinOperator op, Table options, String description, int[] secondShape) {
    FloatGraph g = new FloatGraph(op.ordinal());
    Tensor a = g.input(-1f, 1f, 1, 4, 4, 3);
    Tensor b = g.input(-2f, 0.5f, secondShape);
    Tensor y = g.op(op, options, new int[] {1, 4, 4, 3}, a, b);
    return g.finish(description, RESCALED, y);
  }

  private static OpCase mulByConstant() {
    FloatGraph g = new FloatGraph(106);
    Tensor x = g.input(-2f, 2f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.MUL, Table.of("MulOptions"), new int[] {1, 4, 4, 3}, x,
        g.constant(-1.5f, 1.5f, 3));
    return g.finish("[1,4,4,3] times a constant [3] (an int8 constant of its own scale)", WEIGHTED, y);
  }

  private static OpCase prelu() {
    FloatGraph g = new FloatGraph(107);
    Tensor x = g.input(-3f, 3f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.PRELU, null, new int[] {1, 4, 4, 3}, x, g.constant(0.05f, 0.3f, 1, 1, 3));
    return g.finish("constant per-channel alpha [1,1,3]", WEIGHTED, y);
  }

  private static OpCase unary(BuiltinOperator op, Table options, float lo, float hi, double tolerance) {
    FloatGraph g = new FloatGraph(op.ordinal());
    Tensor x = g.input(lo, hi, 1, 4, 4, 3);
    Tensor y = g.op(op, options, new int[] {1, 4, 4, 3}, x);
    return g.finish("[1,4,4,3] in [" + lo + ", " + hi + ")", tolerance, y);
  }

  /** An operator over the last axis of rows of 8 (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION). */
  private static OpCase rows(BuiltinOperator op, Table options, double tolerance) {
    FloatGraph g = new FloatGraph(op.ordinal());
    Tensor x = g.input(-4f, 4f, 2, 3, 8);
    Tensor y = g.op(op, options, new int[] {2, 3, 8}, x);
    return g.finish("rows of 8, [2,3,8] in [-4, 4)", tolerance, y);
  }

  /**
   * MEAN has several int8 paths in 2.6.2: an integer kernel for the spatial axes of a 4-D input
   * with keep_dims, a float one otherwise. One output takes each.
   */
  private static OpCase mean() {
    FloatGraph g = new FloatGraph(108);
    Tensor x = g.input(-1f, 3f, 1, 6, 6, 4);
    Tensor spatial = g.op(BuiltinOperator.MEAN, Table.of("ReducerOptions").with("keep_dims", true),
        new int[] {1, 1, 1, 4}, x, g.ints(1, 2));
    Tensor channels = g.op(BuiltinOperator.MEAN, Table.of("ReducerOptions").with("keep_dims", false),
        new int[] {1, 6, 6}, x, g.ints(-1));
    return g.finish("axes {1,2} keep_dims and axis -1 without", RESCALED, spatial, channels);
  }

  private static OpCase sum() {
    FloatGraph g = new FloatGraph(109);
    Tensor x = g.input(-1f, 2f, 1, 4, 4, 3);
    Tensor y = g.op(BuiltinOperator.SUM, Table.of("ReducerOptions").with("keep_dims", false), new int[] {1, 4, 3},
        x, g.ints(1));
    return g.finish("axis 1 of [1,4,4,3]", ROUNDED, y);
  }
}
