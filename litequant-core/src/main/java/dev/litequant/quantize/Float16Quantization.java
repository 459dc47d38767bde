package dev.litequant.quantize;

import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.Model;
import java.util.List;

/**
 * float16 quantization: every constant float32 input becomes float16 (round to nearest even,
 * saturating), read through one DEQUANTIZE placed before its first consumer.
 */
final class Float16Quantization {
  private Float16Quantization() {}

  static void apply(Model model, QuantizerOptions options, List<OperatorDecision> decisions, List<String> warnings) {
    throw new UnsupportedModelException("float16 quantization is not implemented yet.");
  }
}
