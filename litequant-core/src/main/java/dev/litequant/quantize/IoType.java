package dev.litequant.quantize;

import dev.litequant.graph.DataType;

/** The element type of a quantized model's inputs or outputs (inference_input/output_type). */
public enum IoType {
  FLOAT32(DataType.FLOAT32),
  INT8(DataType.INT8),
  UINT8(DataType.UINT8),
  /** For 16x8 models only. */
  INT16(DataType.INT16);

  private final DataType type;

  IoType(DataType type) {
    this.type = type;
  }

  public DataType dataType() {
    return type;
  }
}
