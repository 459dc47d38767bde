package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import java.util.List;

/**
 * How one operator type is quantized: the role of each input (inputs past the list are {@link
 * InputRole#PASS}, or repeat the last role when {@code variadic}), the rule for its outputs, for
 * operators with a bias which inputs are the activation and the weights that give the bias its
 * scale, and option values the quantized operator must carry.
 */
public record OpQuantSpec(BuiltinOperator op, List<InputRole> inputs, boolean variadic, OutputRule output,
    int biasActivation, int biasWeights, List<OptionValue> options) {

  /** An operator option the quantized form needs (e.g. ADD's {@code pot_scale_int16 = false} in 16x8). */
  public record OptionValue(String table, String field, Object value) {}

  public OpQuantSpec {
    inputs = List.copyOf(inputs);
    options = List.copyOf(options);
  }

  public OpQuantSpec(BuiltinOperator op, List<InputRole> inputs, boolean variadic, OutputRule output,
      int biasActivation, int biasWeights) {
    this(op, inputs, variadic, output, biasActivation, biasWeights, List.of());
  }

  public InputRole role(int input) {
    if (input < inputs.size()) {
      return inputs.get(input);
    }
    return variadic && !inputs.isEmpty() ? inputs.get(inputs.size() - 1) : InputRole.PASS;
  }

  /** This row with another output rule. */
  OpQuantSpec withOutput(OutputRule rule) {
    return new OpQuantSpec(op, inputs, variadic, rule, biasActivation, biasWeights, options);
  }

  /** This row with one more option value. */
  OpQuantSpec withOption(String table, String field, Object value) {
    List<OptionValue> more = new java.util.ArrayList<>(options);
    more.add(new OptionValue(table, field, value));
    return new OpQuantSpec(op, inputs, variadic, output, biasActivation, biasWeights, more);
  }
}
