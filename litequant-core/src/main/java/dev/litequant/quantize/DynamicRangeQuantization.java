package dev.litequant.quantize;

import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.Model;
import java.util.List;

/**
 * Dynamic-range quantization: int8 weights, float activations, no calibration. Constants with at
 * least {@link QuantizerOptions#minWeightElements()} elements become symmetric int8; operators with
 * hybrid kernels read them directly, every other consumer through a DEQUANTIZE.
 */
final class DynamicRangeQuantization {
  private DynamicRangeQuantization() {}

  static void apply(Model model, QuantizerOptions options, List<OperatorDecision> decisions, List<String> warnings) {
    throw new UnsupportedModelException("Dynamic-range quantization is not implemented yet.");
  }
}
