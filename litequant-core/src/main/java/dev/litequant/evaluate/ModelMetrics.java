package dev.litequant.evaluate;

/**
 * Model-level comparison of a quantized model with its float original.
 *
 * @param samples samples evaluated
 * @param outputSqnr SQNR in dB of each model output, in output order
 * @param outputMaxAbsError largest absolute error of each output
 * @param top1Agreement fraction of samples where both models' output 0 has the same arg max (NaN
 *     when output 0 is a single value)
 * @param floatAccuracy fraction of samples the float model classifies as labelled (NaN without labels)
 * @param quantizedAccuracy the same for the quantized model
 * @param floatMillis median time per sample of the float model in LiteQuant's interpreter
 * @param quantizedMillis the same for the quantized model
 * @param floatBytes file size of the float model
 * @param quantizedBytes file size of the quantized model
 */
public record ModelMetrics(int samples, double[] outputSqnr, double[] outputMaxAbsError, double top1Agreement,
    double floatAccuracy, double quantizedAccuracy, double floatMillis, double quantizedMillis, long floatBytes,
    long quantizedBytes) {
  public ModelMetrics {
    outputSqnr = outputSqnr.clone();
    outputMaxAbsError = outputMaxAbsError.clone();
  }

  @Override
  public double[] outputSqnr() {
    return outputSqnr.clone();
  }

  @Override
  public double[] outputMaxAbsError() {
    return outputMaxAbsError.clone();
  }

  public boolean hasLabels() {
    return !Double.isNaN(floatAccuracy);
  }
}
