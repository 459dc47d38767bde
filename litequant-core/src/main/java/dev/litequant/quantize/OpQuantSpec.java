package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import java.util.List;

/**
 * How one operator type is quantized: the role of each input (inputs past the list are {@link
 * InputRole#PASS}, or repeat the last role when {@code variadic}), the rule for its outputs, and
 * for operators with a bias, which inputs are the activation and the weights that give the bias
 * its scale.
 */
public record OpQuantSpec(BuiltinOperator op, List<InputRole> inputs, boolean variadic, OutputRule output,
    int biasActivation, int biasWeights) {

  public InputRole role(int input) {
    if (input < inputs.size()) {
      return inputs.get(input);
    }
    return variadic && !inputs.isEmpty() ? inputs.get(inputs.size() - 1) : InputRole.PASS;
  }
}
