package dev.litequant.runtime.kernels;

import dev.litequant.graph.FusedActivation;

/**
 * The activation an LSTM applies to its cell gate and to the cell state before the output gate
 * (the operator's fused activation, usually TANH), with TensorFlow Lite's vector semantics: unlike
 * the fused activations of other operators, TANH and SIGN_BIT really are applied here.
 */
enum LstmActivation {
  NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT;

  /** The activation for a fused activation code; the code must be valid. */
  static LstmActivation of(int code) {
    return switch (FusedActivation.fromCode(code)) {
      case NONE -> NONE;
      case RELU -> RELU;
      case RELU_N1_TO_1 -> RELU_N1_TO_1;
      case RELU6 -> RELU6;
      case TANH -> TANH;
      case SIGN_BIT -> SIGN_BIT;
    };
  }

  float apply(float x) {
    return switch (this) {
      case NONE -> x;
      case RELU -> Math.max(0f, x);
      case RELU_N1_TO_1 -> Math.max(-1f, Math.min(1f, x));
      case RELU6 -> Math.max(0f, Math.min(6f, x));
      case TANH -> (float) Math.tanh(x);
      // std::signbit: 1 for negative numbers, -0 and negative NaNs.
      case SIGN_BIT -> (Float.floatToRawIntBits(x) < 0) ? 1f : 0f;
    };
  }

  /** TensorFlow Lite's vector sigmoid, in float: 1 / (1 + exp(-x)). */
  static float sigmoid(float x) {
    return 1f / (1f + (float) Math.exp(-x));
  }
}
