package dev.litequant.quantize;

/** How the quantization parameters of an operator's float outputs are chosen. */
public sealed interface OutputRule {
  /**
   * From the calibrated range of the output, widened when needed so that the scale is at least
   * {@code floorFactor * (largest input scale)^floorPower}: below that, TensorFlow Lite 2.6.2
   * aborts while preparing the kernel (its output multiplier must be smaller than one). Only an
   * output that is almost constant compared with its inputs (x - x) ever reaches the floor.
   */
  record Calibrated(double floorFactor, int floorPower) implements OutputRule {
    public double minScale(double largestInputScale) {
      return floorFactor == 0 ? 0 : floorFactor * Math.pow(largestInputScale, floorPower);
    }
  }

  /** Fixed by the kernel (SOFTMAX, LOGISTIC, TANH, ...). */
  record Fixed(float scale, int zeroPoint) implements OutputRule {}

  /** The same parameters as input {@code input}: the operator only moves values around. */
  record SameAsInput(int input) implements OutputRule {}

  /** From the calibrated range of the output; inputs with other parameters are requantized to it. */
  record RequantizeInputs() implements OutputRule {}

  OutputRule CALIBRATED = new Calibrated(0, 0);
  OutputRule REQUANTIZE_INPUTS = new RequantizeInputs();
}
