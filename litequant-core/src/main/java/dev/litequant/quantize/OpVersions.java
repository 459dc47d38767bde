package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Tensor;
import java.util.EnumMap;
import java.util.Map;

/**
 * The operator version a file must declare for what an operator's tensors now are, following the
 * runtime's versioning rules (op_version.cc): a runtime refuses versions it does not know, and
 * kernels added for int8, int16 or hybrid arithmetic came with new versions. A quantizer sets each
 * operator's version to the larger of its current one and this.
 */
public final class OpVersions {
  /** The highest version of each operator TensorFlow Lite 2.6.2 registers (for operators we emit). */
  private static final Map<BuiltinOperator, Integer> TFLITE_2_6_2_MAX = new EnumMap<>(BuiltinOperator.class);

  static {
    Object[][] max = {
      {BuiltinOperator.ADD, 4}, {BuiltinOperator.AVERAGE_POOL_2D, 3}, {BuiltinOperator.CONCATENATION, 3},
      {BuiltinOperator.CONV_2D, 5}, {BuiltinOperator.DEPTHWISE_CONV_2D, 6}, {BuiltinOperator.DEPTH_TO_SPACE, 2},
      {BuiltinOperator.DEQUANTIZE, 4}, {BuiltinOperator.FULLY_CONNECTED, 9}, {BuiltinOperator.L2_NORMALIZATION, 2},
      {BuiltinOperator.LOGISTIC, 3}, {BuiltinOperator.MAX_POOL_2D, 3}, {BuiltinOperator.MUL, 5},
      {BuiltinOperator.RELU, 3}, {BuiltinOperator.RELU_N1_TO_1, 1}, {BuiltinOperator.RELU6, 3},
      {BuiltinOperator.RESHAPE, 1}, {BuiltinOperator.RESIZE_BILINEAR, 4}, {BuiltinOperator.SOFTMAX, 3},
      {BuiltinOperator.SPACE_TO_DEPTH, 2}, {BuiltinOperator.TANH, 3}, {BuiltinOperator.PAD, 4},
      {BuiltinOperator.GATHER, 5}, {BuiltinOperator.TRANSPOSE, 5}, {BuiltinOperator.MEAN, 3},
      {BuiltinOperator.SUB, 5}, {BuiltinOperator.SQUEEZE, 2}, {BuiltinOperator.STRIDED_SLICE, 6},
      {BuiltinOperator.SPLIT, 4}, {BuiltinOperator.LOG_SOFTMAX, 2}, {BuiltinOperator.MAXIMUM, 4},
      {BuiltinOperator.MINIMUM, 4}, {BuiltinOperator.PADV2, 4}, {BuiltinOperator.SLICE, 5},
      {BuiltinOperator.TRANSPOSE_CONV, 3}, {BuiltinOperator.EXPAND_DIMS, 1}, {BuiltinOperator.SUM, 2},
      {BuiltinOperator.PACK, 3}, {BuiltinOperator.UNPACK, 4}, {BuiltinOperator.REDUCE_MAX, 3},
      {BuiltinOperator.REDUCE_MIN, 3}, {BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 4},
      {BuiltinOperator.LEAKY_RELU, 2}, {BuiltinOperator.SQUARED_DIFFERENCE, 2}, {BuiltinOperator.MIRROR_PAD, 2},
      {BuiltinOperator.SPLIT_V, 2}, {BuiltinOperator.QUANTIZE, 2}, {BuiltinOperator.HARD_SWISH, 1},
      {BuiltinOperator.BATCH_MATMUL, 4}, {BuiltinOperator.BROADCAST_TO, 3}, {BuiltinOperator.REVERSE_V2, 3},
      {BuiltinOperator.PRELU, 1}, {BuiltinOperator.ABS, 4}, {BuiltinOperator.RSQRT, 2},
      {BuiltinOperator.BATCH_TO_SPACE_ND, 3}, {BuiltinOperator.SPACE_TO_BATCH_ND, 3}, {BuiltinOperator.GATHER_ND, 3},
      {BuiltinOperator.EMBEDDING_LOOKUP, 3},
    };
    for (Object[] row : max) {
      TFLITE_2_6_2_MAX.put((BuiltinOperator) row[0], (Integer) row[1]);
    }
  }

  private OpVersions() {}

  /** The highest version TensorFlow Lite 2.6.2 accepts, or 0 when unknown here. */
  public static int maxIn262(BuiltinOperator op) {
    return TFLITE_2_6_2_MAX.getOrDefault(op, 0);
  }

  private static DataType in(Operator op, int i) {
    Tensor t = op.input(i);
    return t == null ? null : t.type();
  }

  private static DataType out(Operator op) {
    return op.outputs().isEmpty() ? null : op.output(0).type();
  }

  private static boolean perAxis(Tensor t) {
    return t != null && t.quantization() != null && t.quantization().isPerAxis();
  }

  /** The lowest version the operator needs given its tensors' types and options. */
  public static int required(Operator op) {
    BuiltinOperator type = op.type();
    if (type == null) {
      return op.version();
    }
    DataType i0 = in(op, 0);
    DataType i1 = in(op, 1);
    DataType o = out(op);
    boolean int8 = i0 == DataType.INT8;
    boolean int16 = i0 == DataType.INT16;
    switch (type) {
      case CONV_2D:
        if (int16 && i1 == DataType.INT8) {
          return 4;
        }
        if (int8 && i1 == DataType.INT8) {
          return 3;
        }
        if (i0 == DataType.FLOAT32 && i1 == DataType.INT8) {
          return perAxis(op.input(1)) ? 5 : 2;
        }
        return 1;
      case DEPTHWISE_CONV_2D:
        if (int16 && i1 == DataType.INT8) {
          return 5;
        }
        if (i0 == DataType.FLOAT32 && i1 == DataType.INT8) {
          return perAxis(op.input(1)) ? 6 : 4;
        }
        if (int8 && i1 == DataType.INT8) {
          return 3;
        }
        return dilated(op) ? 2 : 1;
      case FULLY_CONNECTED: {
        if (int16 && i1 == DataType.INT8) {
          return 7;
        }
        boolean noBias = op.inputs().size() == 2;
        boolean asymmetricHybrid = i0 == DataType.FLOAT32 && i1 == DataType.INT8 && op.options() != null
            && op.options().getBool("asymmetric_quantize_inputs");
        if (asymmetricHybrid) {
          // Asymmetric input quantization came with version 9, after the bias-less form (6).
          return 9;
        }
        if (noBias && (int8 || i0 == DataType.FLOAT32 && i1 == DataType.INT8)) {
          return 6;
        }
        if (op.options() != null && op.options().getBool("keep_num_dims")) {
          return 5;
        }
        if (int8 && i1 == DataType.INT8) {
          return 4;
        }
        if (i0 == DataType.FLOAT32 && i1 == DataType.INT8) {
          return op.options() != null && op.options().getBool("asymmetric_quantize_inputs") ? 9 : 3;
        }
        return 1;
      }
      case TRANSPOSE_CONV:
        if (op.inputs().size() == 4 && op.input(3) != null) {
          return 3;
        }
        return in(op, 1) == DataType.INT8 ? 2 : 1;
      case DEQUANTIZE:
        if (int16 || i0 == DataType.FLOAT16) {
          return 3;
        }
        return int8 ? 2 : 1;
      case QUANTIZE:
        return o == DataType.INT16 ? 2 : (i0 == DataType.UINT8 || o == DataType.UINT8) && i0 != DataType.FLOAT32 ? 2 : 1;
      case ADD:
        if (int16 && o == DataType.INT16 && op.options() != null && !op.options().getBool("pot_scale_int16")) {
          return 3;
        }
        return int8 ? 2 : 1;
      case SUB:
        if (int16 && o == DataType.INT16 && op.options() != null && !op.options().getBool("pot_scale_int16")) {
          return 5;
        }
        return int8 ? 2 : 1;
      case MUL:
        return int16 ? 4 : int8 ? 2 : 1;
      case MAX_POOL_2D:
      case AVERAGE_POOL_2D:
      case TANH:
      case LOGISTIC:
        return int16 && o == DataType.INT16 ? 3 : int8 ? 2 : 1;
      case SOFTMAX:
      case MEAN:
      case MIRROR_PAD:
      case REDUCE_MAX:
      case REDUCE_MIN:
      case RELU6:
      case RSQRT:
        return int16 ? 3 : int8 ? 2 : 1;
      case RELU:
        return int16 ? 3 : int8 || i0 == DataType.UINT8 ? 2 : 1;
      case LEAKY_RELU:
        return int16 ? 2 : 1;
      case CONCATENATION:
        return int16 ? 3 : int8 ? 2 : 1;
      case PACK:
        return int8 ? 2 : int16 ? 3 : 1;
      case UNPACK:
        return int16 ? 4 : int8 || i0 == DataType.UINT8 ? 2 : 1;
      case SPLIT:
        return in(op, 1) == DataType.INT16 ? 4 : in(op, 1) == DataType.INT32 ? 3 : in(op, 1) == DataType.INT8 ? 2 : 1;
      case PAD:
      case PADV2:
        return op.input(0) != null && op.input(0).shape().rank() > 4 ? 4 : int16 ? 3 : int8 ? 2 : 1;
      case TRANSPOSE:
        return op.input(0) != null && op.input(0).shape().rank() > 4 ? 4 : int16 ? 5 : int8 ? 2 : 1;
      case SLICE:
        return op.input(0) != null && op.input(0).shape().rank() > 4 ? 5 : int16 ? 4 : int8 ? 2 : 1;
      case STRIDED_SLICE: {
        var o2 = op.options();
        if (o2 != null && (o2.getInt("ellipsis_mask") != 0 || o2.getInt("new_axis_mask") != 0)) {
          return 6;
        }
        return op.input(0) != null && op.input(0).shape().rank() > 4 ? 4 : int8 ? 2 : 1;
      }
      case GATHER:
        return op.options() != null && op.options().getInt("batch_dims") != 0 ? 5 : int16 ? 4 : int8 ? 2 : 1;
      case RESIZE_BILINEAR:
        return int16 ? 4 : op.options() != null && op.options().getBool("half_pixel_centers") ? 3 : int8 ? 2 : 1;
      case RESIZE_NEAREST_NEIGHBOR:
        return int16 ? 4 : op.options() != null && (op.options().getBool("half_pixel_centers")
            || op.options().getBool("align_corners")) ? 3 : int8 ? 2 : 1;
      case MAXIMUM:
      case MINIMUM:
        return int16 && o == DataType.INT16 ? 4 : int8 ? 2 : 1;
      case L2_NORMALIZATION:
        return o == DataType.INT8 ? 2 : 1;
      case BATCH_MATMUL:
        if (i0 == DataType.FLOAT32 && i1 == DataType.INT8) {
          return op.options() != null && op.options().getBool("asymmetric_quantize_inputs") ? 4 : 1;
        }
        return int16 ? 3 : int8 ? 2 : 1;
      case EMBEDDING_LOOKUP:
        // The version the official weight quantizer writes for an int8 table.
        return i1 == DataType.INT8 ? 3 : 1;
      case BROADCAST_TO:
        return int8 || int16 ? 3 : 2;
      case REVERSE_V2:
        return int8 ? 3 : 1;
      case SPLIT_V:
      case SUM:
      case LOG_SOFTMAX:
      case SQUARED_DIFFERENCE:
      case DEPTH_TO_SPACE:
      case SPACE_TO_DEPTH:
        return int8 ? 2 : 1;
      case BATCH_TO_SPACE_ND:
      case SPACE_TO_BATCH_ND:
        return op.input(0) != null && op.input(0).shape().rank() != 4 ? 3 : int8 ? 2 : 1;
      case GATHER_ND:
        // int8 came with the first version; only int16 (and strings) needed new ones.
        return int16 ? 3 : 1;
      case ABS:
        return int16 ? 3 : int8 || i0 == DataType.UINT8 ? 2 : 1;
      default:
        return 1;
    }
  }

  private static boolean dilated(Operator op) {
    return op.options() != null
        && (op.options().getInt("dilation_w_factor") != 1 || op.options().getInt("dilation_h_factor") != 1);
  }
}
