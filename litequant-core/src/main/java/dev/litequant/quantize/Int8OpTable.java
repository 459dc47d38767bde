package dev.litequant.quantize;

import static dev.litequant.quantize.InputRole.ACTIVATION;
import static dev.litequant.quantize.InputRole.BIAS;
import static dev.litequant.quantize.InputRole.LIKE_OUTPUT;
import static dev.litequant.quantize.InputRole.PASS;
import static dev.litequant.quantize.InputRole.WEIGHT_AXIS_0;
import static dev.litequant.quantize.InputRole.WEIGHT_AXIS_3;
import static dev.litequant.quantize.InputRole.WEIGHT_DENSE;

import dev.litequant.graph.BuiltinOperator;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The full-integer (int8) quantization behaviour of every operator LiteQuant quantizes, as data:
 * one row per operator, following the official quantizer's operator properties. An operator that
 * is not in the table stays float (or is an error in integer-only mode). A row is here only when
 * both TensorFlow Lite 2.6.2 and LiteQuant's interpreter run the int8 operator (checked by
 * {@code Int8OpTableTest}).
 */
public final class Int8OpTable {
  private static final Map<BuiltinOperator, OpQuantSpec> TABLE = build();

  private Int8OpTable() {}

  /** The row of an operator, or null when it is not quantized to int8. */
  public static OpQuantSpec get(BuiltinOperator op) {
    return op == null ? null : TABLE.get(op);
  }

  public static Map<BuiltinOperator, OpQuantSpec> all() {
    return Collections.unmodifiableMap(TABLE);
  }

  private static Map<BuiltinOperator, OpQuantSpec> build() {
    Map<BuiltinOperator, OpQuantSpec> t = new EnumMap<>(BuiltinOperator.class);
    OutputRule calibrated = OutputRule.CALIBRATED;
    OutputRule same0 = new OutputRule.SameAsInput(0);
    OutputRule requantize = OutputRule.REQUANTIZE_INPUTS;

    // Operators with weights: the bias scale is input scale x weight scale.
    withBias(t, BuiltinOperator.CONV_2D, List.of(ACTIVATION, WEIGHT_AXIS_0, BIAS), 0, 1);
    withBias(t, BuiltinOperator.DEPTHWISE_CONV_2D, List.of(ACTIVATION, WEIGHT_AXIS_3, BIAS), 0, 1);
    withBias(t, BuiltinOperator.FULLY_CONNECTED, List.of(ACTIVATION, WEIGHT_DENSE, BIAS), 0, 1);
    withBias(t, BuiltinOperator.TRANSPOSE_CONV, List.of(PASS, WEIGHT_AXIS_0, ACTIVATION, BIAS), 2, 1);

    // Free output parameters. The floors keep 2.6.2's output multipliers below 0.5: ADD/SUB need
    // 2 max(s_in) / (2^20 s_out) < 1, SQUARED_DIFFERENCE (2 max(s_in))^2 / (2^14 s_out) < 1.
    for (BuiltinOperator op : List.of(BuiltinOperator.ADD, BuiltinOperator.SUB)) {
      add(t, op, List.of(ACTIVATION, ACTIVATION), false, new OutputRule.Calibrated(Math.scalb(1.0, -18), 1));
    }
    add(t, BuiltinOperator.SQUARED_DIFFERENCE, List.of(ACTIVATION, ACTIVATION), false,
        new OutputRule.Calibrated(Math.scalb(1.0, -11), 2));
    for (BuiltinOperator op : List.of(BuiltinOperator.MUL, BuiltinOperator.BATCH_MATMUL, BuiltinOperator.PRELU)) {
      add(t, op, List.of(ACTIVATION, ACTIVATION), false, calibrated);
    }
    for (BuiltinOperator op : List.of(BuiltinOperator.MEAN, BuiltinOperator.SUM)) {
      add(t, op, List.of(ACTIVATION, PASS), false, calibrated);
    }
    for (BuiltinOperator op : List.of(BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1,
        BuiltinOperator.LEAKY_RELU, BuiltinOperator.HARD_SWISH, BuiltinOperator.ABS, BuiltinOperator.RSQRT)) {
      add(t, op, List.of(ACTIVATION), false, calibrated);
    }

    // Fixed output parameters (scale, zero point), as the kernels require.
    add(t, BuiltinOperator.SOFTMAX, List.of(ACTIVATION), false, new OutputRule.Fixed(1f / 256, -128));
    add(t, BuiltinOperator.LOGISTIC, List.of(ACTIVATION), false, new OutputRule.Fixed(1f / 256, -128));
    add(t, BuiltinOperator.TANH, List.of(ACTIVATION), false, new OutputRule.Fixed(1f / 128, 0));
    add(t, BuiltinOperator.LOG_SOFTMAX, List.of(ACTIVATION), false, new OutputRule.Fixed(16f / 256, 127));
    add(t, BuiltinOperator.L2_NORMALIZATION, List.of(ACTIVATION), false, new OutputRule.Fixed(1f / 128, 0));

    // Inputs requantized to the output's parameters.
    for (BuiltinOperator op : List.of(BuiltinOperator.CONCATENATION, BuiltinOperator.PACK,
        BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM)) {
      add(t, op, List.of(ACTIVATION), true, requantize);
    }

    // The output takes the input's parameters: values are only moved, selected or reduced.
    for (BuiltinOperator op : List.of(BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D,
        BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS, BuiltinOperator.TRANSPOSE,
        BuiltinOperator.SLICE, BuiltinOperator.STRIDED_SLICE, BuiltinOperator.PAD, BuiltinOperator.MIRROR_PAD,
        BuiltinOperator.RESIZE_BILINEAR, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, BuiltinOperator.SPACE_TO_DEPTH,
        BuiltinOperator.DEPTH_TO_SPACE, BuiltinOperator.GATHER, BuiltinOperator.BROADCAST_TO,
        BuiltinOperator.REVERSE_V2, BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN,
        BuiltinOperator.SPLIT_V, BuiltinOperator.UNPACK, BuiltinOperator.BATCH_TO_SPACE_ND,
        BuiltinOperator.SPACE_TO_BATCH_ND, BuiltinOperator.GATHER_ND)) {
      add(t, op, List.of(ACTIVATION), false, same0);
    }
    add(t, BuiltinOperator.PADV2, List.of(ACTIVATION, PASS, LIKE_OUTPUT), false, same0);
    add(t, BuiltinOperator.SPLIT, List.of(PASS, ACTIVATION), false, new OutputRule.SameAsInput(1));

    // Left out although the official quantizer lists them, because TensorFlow Lite 2.6.2 cannot run
    // them in int8: TILE (its kernel refuses int8: "Type 'INT8' is not supported by tile", and the
    // int8 version 3 is unknown to it); REDUCE_PROD (its int8 kernel requires the output scale to
    // equal the input's, which no product keeps); GELU (builtin code 150, unknown to 2.6.2).
    return t;
  }

  private static void add(Map<BuiltinOperator, OpQuantSpec> t, BuiltinOperator op, List<InputRole> inputs,
      boolean variadic, OutputRule output) {
    t.put(op, new OpQuantSpec(op, inputs, variadic, output, -1, -1));
  }

  private static void withBias(Map<BuiltinOperator, OpQuantSpec> t, BuiltinOperator op, List<InputRole> inputs,
      int activation, int weights) {
    t.put(op, new OpQuantSpec(op, inputs, false, OutputRule.CALIBRATED, activation, weights));
  }
}
