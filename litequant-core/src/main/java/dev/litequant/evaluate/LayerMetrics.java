package dev.litequant.evaluate;

/**
 * How far one tensor of the quantized model is from its float counterpart over the evaluation
 * data (the quantization debugger's row).
 *
 * @param tensor the quantized model's tensor name
 * @param floatTensor the float model's tensor it is compared with
 * @param operatorIndex the quantized model's operator that writes it (-1 for a model input)
 * @param operator that operator's type, e.g. CONV_2D
 * @param type the tensor's type in the quantized model (int8, int16, float32, ...)
 * @param elements values compared (over all samples)
 * @param sqnr signal-to-quantization-noise ratio in dB (+infinity when identical)
 * @param rmseOverScale root mean square error divided by the tensor's scale (NaN for float
 *     tensors), against the float model: the error this layer inherits and adds
 * @param layerSqnr SQNR of the operator alone: its float twin run on its own dequantized inputs
 *     (NaN when it has none, e.g. float operators)
 * @param layerRmseOverScale the operator's own RMSE over its output scale; about 0.29 (1 / sqrt
 *     12) is rounding alone, above 0.7 is suspect
 * @param maxAbsError the largest absolute error
 * @param meanError the mean error (bias)
 * @param scale the tensor's quantization scale (NaN for float tensors)
 * @param representableMin the smallest value its quantization can represent (NaN for float)
 * @param representableMax the largest (NaN for float)
 * @param observedMin the smallest float value seen on the evaluation data
 * @param observedMax the largest
 */
public record LayerMetrics(String tensor, String floatTensor, int operatorIndex, String operator, String type,
    long elements, double sqnr, double rmseOverScale, double layerSqnr, double layerRmseOverScale, double maxAbsError, double meanError, double scale,
    double representableMin, double representableMax, double observedMin, double observedMax) {
  /** The RMSE / scale above which a layer is flagged. */
  public static final double SUSPECT_RMSE_OVER_SCALE = 0.7;

  /** Whether the operator's own error is well beyond rounding. */
  public boolean suspect() {
    return layerRmseOverScale > SUSPECT_RMSE_OVER_SCALE;
  }

  /**
   * Whether the evaluation data went outside the range the quantization can represent by more than
   * half a step (within half a step, values round to the end code as they would anyway).
   */
  public boolean clipped() {
    double half = scale / 2;
    return observedMin < representableMin - half || observedMax > representableMax + half;
  }
}
