package dev.litequant.quantize;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Tensor;

/**
 * How an operator can read an int8 constant in a dynamic-range model that TensorFlow Lite 2.6.2
 * computes correctly: directly with a hybrid kernel, through an int8 GATHER followed by a
 * DEQUANTIZE, or (anything else) through a DEQUANTIZE of the constant. The limits come from
 * measuring 2.6.2 ({@code int8-arithmetic.md} sections 0 and 4, and {@code HybridKernelsTest}).
 */
final class HybridReads {
  private HybridReads() {}

  /** The ways of reading an int8 constant. */
  enum Reading {
    /** The operator's hybrid kernel reads the int8 tensor. */
    HYBRID,
    /** GATHER moves int8 rows; a DEQUANTIZE after it restores its float output. */
    INT8_GATHER,
    /** A DEQUANTIZE of the constant feeds the operator. */
    DEQUANTIZE
  }

  /**
   * How {@code op} reads input {@code input} once it is int8, before the quantization scheme is
   * chosen; {@link #withScheme} then refines it.
   */
  static Reading reading(Operator op, int input) {
    if (op.type() == null || op.outputs().size() != 1 || op.output(0).type() != DataType.FLOAT32) {
      return Reading.DEQUANTIZE;
    }
    Tensor x = op.input(0);
    boolean floatInput = x != null && x.type() == DataType.FLOAT32;
    return switch (op.type()) {
      case FULLY_CONNECTED -> input == 1 && floatInput && op.input(1).shape().rank() == 2 && optionalFloatBias(op)
          && clippingActivation(op) && (op.options() == null || op.options().getInt("weights_format") == 0)
          ? Reading.HYBRID : Reading.DEQUANTIZE;
      // 2.6.2's hybrid convolutions add the bias without checking that there is one: give them one.
      case CONV_2D -> input == 1 && floatInput && op.input(1).shape().rank() == 4 && floatBias(op)
          && clippingActivation(op) ? Reading.HYBRID : Reading.DEQUANTIZE;
      case DEPTHWISE_CONV_2D -> input == 1 && floatInput && op.input(1).shape().rank() == 4
          && op.input(1).shape().dim(0) == 1 && floatBias(op) && clippingActivation(op)
          ? Reading.HYBRID : Reading.DEQUANTIZE;
      case BATCH_MATMUL -> input == 1 && floatInput && batchMatMulFits(op) ? Reading.HYBRID : Reading.DEQUANTIZE;
      case EMBEDDING_LOOKUP -> input == 1 ? Reading.HYBRID : Reading.DEQUANTIZE;
      case GATHER -> input == 0 ? Reading.INT8_GATHER : Reading.DEQUANTIZE;
      default -> Reading.DEQUANTIZE;
    };
  }

  /**
   * The quantized axis a hybrid reader wants (-1: one scale): CONV_2D per output channel (axis 0),
   * DEPTHWISE_CONV_2D per channel (axis 3), FULLY_CONNECTED per unit (axis 0) only when asked.
   */
  static int preferredAxis(Operator op, int input, boolean perChannelDense) {
    if (reading(op, input) != Reading.HYBRID) {
      return -1;
    }
    return switch (op.type()) {
      case CONV_2D -> 0;
      case DEPTHWISE_CONV_2D -> 3;
      case FULLY_CONNECTED -> perChannelDense ? 0 : -1;
      default -> -1;
    };
  }

  /**
   * The reading once the scheme is known. A CONV_2D with one filter scale runs 2.6.2's per-tensor
   * hybrid path, whose im2col ignores dilation: a dilated one reads through a DEQUANTIZE instead.
   */
  static Reading withScheme(Operator op, int input, boolean perChannel) {
    Reading r = reading(op, input);
    if (r == Reading.HYBRID && op.type() == dev.litequant.graph.BuiltinOperator.CONV_2D && !perChannel
        && dilated(op)) {
      return Reading.DEQUANTIZE;
    }
    return r;
  }

  private static boolean dilated(Operator op) {
    Table o = op.options();
    return o != null && (o.getInt("dilation_h_factor") != 1 || o.getInt("dilation_w_factor") != 1);
  }

  private static boolean floatBias(Operator op) {
    Tensor b = op.input(2);
    return b != null && b.type() == DataType.FLOAT32;
  }

  private static boolean optionalFloatBias(Operator op) {
    Tensor b = op.input(2);
    return b == null || b.type() == DataType.FLOAT32;
  }

  /** 2.6.2's hybrid kernels apply only the clipping activations this way. */
  private static boolean clippingActivation(Operator op) {
    int act = op.options() == null ? 0 : op.options().getInt("fused_activation_function");
    return act == FusedActivation.NONE.code() || act == FusedActivation.RELU.code()
        || act == FusedActivation.RELU6.code() || act == FusedActivation.RELU_N1_TO_1.code();
  }

  /**
   * 2.6.2's hybrid BATCH_MATMUL sizes its scratch buffers from the wrong dimensions and overruns
   * them (garbage outputs, or a corrupted heap) unless the weights are not transposed (adj_y false)
   * and the depth k is at least the number of left-hand rows m, with m fixed in the file.
   */
  private static boolean batchMatMulFits(Operator op) {
    Tensor lhs = op.input(0);
    Tensor rhs = op.input(1);
    int lr = lhs.shape().rank();
    int rr = rhs.shape().rank();
    if (lr < 2 || rr < 2) {
      return false;
    }
    boolean adjX = op.options() != null && op.options().getBool("adj_x");
    boolean adjY = op.options() != null && op.options().getBool("adj_y");
    if (adjY) {
      return false;
    }
    int mAxis = adjX ? lr - 1 : lr - 2;
    if (lhs.shapeSignature() != null && lhs.shapeSignature().rank() == lr && lhs.shapeSignature().dim(mAxis) < 0) {
      return false;
    }
    int m = lhs.shape().dim(mAxis);
    int k = rhs.shape().dim(rr - 2);
    return k >= m;
  }
}
