package dev.litequant.quantize;

/** The post-training quantization modes of the official converter. */
public enum QuantizationMode {
  /** Full integer with float fallback: int8 where a kernel exists, float elsewhere; float I/O by default. */
  INT8(true, true),
  /** Integer only: every operator int8, or an error naming those that cannot be. */
  INT8_ONLY(true, true);

  private final boolean needsData;
  private final boolean int8Activations;

  QuantizationMode(boolean needsData, boolean int8Activations) {
    this.needsData = needsData;
    this.int8Activations = int8Activations;
  }

  /** Whether the mode calibrates on a representative data set. */
  public boolean needsData() {
    return needsData;
  }

  public boolean int8Activations() {
    return int8Activations;
  }

  /** Whether operators without an int8 kernel may stay float. */
  public boolean allowsFloatFallback() {
    return this == INT8;
  }
}
