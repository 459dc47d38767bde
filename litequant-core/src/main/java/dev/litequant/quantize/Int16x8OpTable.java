package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The 16x8 operator table (int16 activations, int8 weights): the int8 table's rows, less the
 * operators that have no 16x8 form, with the int16 kernels' fixed output parameters and options.
 * As for int8, a row is here only when TensorFlow Lite 2.6.2 and LiteQuant's interpreter both run
 * the operator with int16 activations (checked by {@code Int16x8OpTableTest}).
 */
public final class Int16x8OpTable {
  /**
   * Without a 16x8 form: the reference's list; SQUARED_DIFFERENCE and RSQRT, which the official
   * tool writes in int16 although no runtime kernel takes them; PRELU, which 2.6.2 has no int16
   * kernel for; and SUM, whose int16 kernel only adds codes between tensors of equal scale, which a
   * sum cannot keep.
   */
  private static final List<BuiltinOperator> NOT_IN_16X8 = List.of(BuiltinOperator.MIRROR_PAD,
      BuiltinOperator.SPACE_TO_DEPTH, BuiltinOperator.DEPTH_TO_SPACE, BuiltinOperator.BATCH_TO_SPACE_ND,
      BuiltinOperator.SPACE_TO_BATCH_ND, BuiltinOperator.LOG_SOFTMAX, BuiltinOperator.L2_NORMALIZATION,
      BuiltinOperator.HARD_SWISH, BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.SQUARED_DIFFERENCE,
      BuiltinOperator.RSQRT, BuiltinOperator.PRELU, BuiltinOperator.SUM);

  private static final Map<BuiltinOperator, OpQuantSpec> TABLE = build();

  private Int16x8OpTable() {}

  public static OpQuantSpec get(BuiltinOperator op) {
    return op == null ? null : TABLE.get(op);
  }

  public static Map<BuiltinOperator, OpQuantSpec> all() {
    return Collections.unmodifiableMap(TABLE);
  }

  private static Map<BuiltinOperator, OpQuantSpec> build() {
    Map<BuiltinOperator, OpQuantSpec> t = new EnumMap<>(Int8OpTable.all());
    NOT_IN_16X8.forEach(t::remove);
    OutputRule unit = new OutputRule.Fixed(1f / 32768, 0);
    for (BuiltinOperator op : List.of(BuiltinOperator.SOFTMAX, BuiltinOperator.LOGISTIC, BuiltinOperator.TANH)) {
      t.put(op, t.get(op).withOutput(unit));
    }
    // The general int16 ADD/SUB path shifts left by 15, so 2 max(s_in) / (2^15 s_out) < 1 must
    // hold (kept below 0.5); pot_scale_int16 = false selects that path, as the official tool does.
    OutputRule addFloor = new OutputRule.Calibrated(Math.scalb(1.0, -13), 1);
    t.put(BuiltinOperator.ADD, t.get(BuiltinOperator.ADD).withOutput(addFloor)
        .withOption("AddOptions", "pot_scale_int16", false));
    t.put(BuiltinOperator.SUB, t.get(BuiltinOperator.SUB).withOutput(addFloor)
        .withOption("SubOptions", "pot_scale_int16", false));
    return t;
  }
}
