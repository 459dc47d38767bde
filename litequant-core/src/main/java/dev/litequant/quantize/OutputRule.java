package dev.litequant.quantize;

/** How the quantization parameters of an operator's float outputs are chosen. */
public sealed interface OutputRule {
  /** From the calibrated range of the output. */
  record Calibrated() implements OutputRule {}

  /** Fixed by the kernel (SOFTMAX, LOGISTIC, TANH, ...). */
  record Fixed(float scale, int zeroPoint) implements OutputRule {}

  /** The same parameters as input {@code input}: the operator only moves values around. */
  record SameAsInput(int input) implements OutputRule {}

  /** From the calibrated range of the output; inputs with other parameters are requantized to it. */
  record RequantizeInputs() implements OutputRule {}

  OutputRule CALIBRATED = new Calibrated();
  OutputRule REQUANTIZE_INPUTS = new RequantizeInputs();
}
