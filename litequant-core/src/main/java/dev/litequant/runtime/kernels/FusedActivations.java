package dev.litequant.runtime.kernels;

import dev.litequant.graph.FusedActivation;

/**
 * Float fused activations as TensorFlow Lite's float kernels apply them: a clamp to the range of
 * RELU, RELU6 or RELU_N1_TO_1. Like TensorFlow Lite's {@code CalculateActivationRange}, any other
 * code (TANH, SIGN_BIT) leaves values unclamped.
 */
public record FusedActivations(float min, float max) {
  public static final FusedActivations NONE = new FusedActivations(-Float.MAX_VALUE, Float.MAX_VALUE);

  public static FusedActivations of(int code) {
    if (code == FusedActivation.RELU.code()) {
      return new FusedActivations(0f, Float.MAX_VALUE);
    }
    if (code == FusedActivation.RELU6.code()) {
      return new FusedActivations(0f, 6f);
    }
    if (code == FusedActivation.RELU_N1_TO_1.code()) {
      return new FusedActivations(-1f, 1f);
    }
    return NONE;
  }

  /** {@code min(max(x, min), max)}, propagating NaN as the C++ kernels do. */
  public float apply(float x) {
    return Math.min(Math.max(x, min), max);
  }

  public boolean isNone() {
    return min == -Float.MAX_VALUE && max == Float.MAX_VALUE;
  }
}
