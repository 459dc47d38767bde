package dev.litequant.graph;

/** Activation fused into an operator (schema enum {@code ActivationFunctionType}). */
public enum FusedActivation {
  NONE,
  RELU,
  RELU_N1_TO_1,
  RELU6,
  TANH,
  SIGN_BIT;

  public int code() {
    return ordinal();
  }

  public static FusedActivation fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalArgumentException("unknown fused activation code " + code);
    }
    return values()[code];
  }
}
