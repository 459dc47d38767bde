package dev.litequant.quantize;

import dev.litequant.graph.DataType;

/** The post-training quantization modes of the official converter. */
public enum QuantizationMode {
  /** Full integer with float fallback: int8 where a kernel exists, float elsewhere; float I/O by default. */
  INT8("int8", DataType.INT8, true),
  /** Integer only: every operator int8, or an error naming those that cannot be. */
  INT8_ONLY("int8-only", DataType.INT8, false),
  /** Dynamic range: int8 weights, float activations; no data needed. */
  DYNAMIC("dynamic", null, true),
  /** float16 weights, dequantized to float32 where they are used; no data needed. */
  FLOAT16("float16", null, true),
  /** int16 activations, int8 weights, int64 biases, with float fallback. */
  INT16X8("16x8", DataType.INT16, true),
  /** int16 activations, int8 weights, int64 biases; every operator, or an error. */
  INT16X8_ONLY("16x8-only", DataType.INT16, false);

  private final String cliName;
  private final DataType activationType;
  private final boolean floatFallback;

  QuantizationMode(String cliName, DataType activationType, boolean floatFallback) {
    this.cliName = cliName;
    this.activationType = activationType;
    this.floatFallback = floatFallback;
  }

  /** The name on the command line ({@code --mode 16x8}). */
  public String cliName() {
    return cliName;
  }

  /** Whether the mode calibrates activations on a representative data set. */
  public boolean needsData() {
    return activationType != null;
  }

  /** The type of quantized activations (INT8 or INT16), or null when activations stay float. */
  public DataType activationType() {
    return activationType;
  }

  /** Whether operators without an integer kernel may stay float. */
  public boolean allowsFloatFallback() {
    return floatFallback;
  }

  /** The mode named {@code name} on the command line, or null. */
  public static QuantizationMode byCliName(String name) {
    for (QuantizationMode m : values()) {
      if (m.cliName.equals(name)) {
        return m;
      }
    }
    return null;
  }
}
