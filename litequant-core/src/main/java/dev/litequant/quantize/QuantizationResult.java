package dev.litequant.quantize;

import dev.litequant.calibration.CalibrationStats;
import java.util.List;

/**
 * What a quantization produced: the model's bytes, what happened to each operator (quantized, or
 * float and why), sizes, the calibration statistics, and warnings worth showing the user.
 */
public record QuantizationResult(
    byte[] modelBytes,
    List<OperatorDecision> operators,
    long originalBytes,
    CalibrationStats calibration,
    List<String> warnings,
    long calibrationMillis,
    long totalMillis,
    int calibrationSamples) {

  public QuantizationResult {
    operators = List.copyOf(operators);
    warnings = List.copyOf(warnings);
  }

  @Override
  public byte[] modelBytes() {
    return modelBytes.clone();
  }

  public long quantizedBytes() {
    return modelBytes.length;
  }

  /** Quantized size over original size. */
  public double sizeRatio() {
    return (double) modelBytes.length / originalBytes;
  }

  public long quantizedCount() {
    return operators.stream().filter(OperatorDecision::quantized).count();
  }

  public List<OperatorDecision> floatOperators() {
    return operators.stream().filter(d -> d.outcome() == OperatorDecision.Outcome.FLOAT).toList();
  }
}
