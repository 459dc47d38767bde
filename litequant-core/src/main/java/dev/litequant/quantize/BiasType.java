package dev.litequant.quantize;

import dev.litequant.graph.DataType;

/** The integer type of quantized biases in 16x8 mode (int8 mode always uses int32). */
public enum BiasType {
  INT32(DataType.INT32),
  INT64(DataType.INT64);

  private final DataType type;

  BiasType(DataType type) {
    this.type = type;
  }

  public DataType dataType() {
    return type;
  }
}
