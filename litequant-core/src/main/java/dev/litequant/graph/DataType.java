package dev.litequant.graph;

import java.util.Locale;

/** Element types of tensors (schema enum {@code TensorType}), with their storage sizes. */
public enum DataType {
  FLOAT32(0, 32),
  FLOAT16(1, 16),
  INT32(2, 32),
  UINT8(3, 8),
  INT64(4, 64),
  STRING(5, 0),
  BOOL(6, 8),
  INT16(7, 16),
  COMPLEX64(8, 64),
  INT8(9, 8),
  FLOAT64(10, 64),
  COMPLEX128(11, 128),
  UINT64(12, 64),
  RESOURCE(13, 0),
  VARIANT(14, 0),
  UINT32(15, 32),
  UINT16(16, 16),
  INT4(17, 4),
  BFLOAT16(18, 16);

  private static final DataType[] BY_CODE = values();

  private final int code;
  private final int bits;

  DataType(int code, int bits) {
    this.code = code;
    this.bits = bits;
  }

  /** The schema code stored in the file. */
  public int code() {
    return code;
  }

  /** The type with this schema code, or null when the code is unknown. */
  public static DataType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Whether elements have a fixed size (strings, resources and variants do not). */
  public boolean hasFixedSize() {
    return bits > 0;
  }

  /** Bytes per element for byte-sized or larger types; INT4 packs two elements per byte. */
  public int byteSize() {
    if (bits < 8) {
      throw new IllegalStateException(this + " has no whole-byte element size");
    }
    return bits / 8;
  }

  /** Bytes needed to store {@code elements} elements, or -1 for variable-size types. */
  public long bytesFor(long elements) {
    if (bits == 0) {
      return -1;
    }
    return bits == 4 ? (elements + 1) / 2 : elements * (bits / 8);
  }

  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT16 || this == FLOAT64 || this == BFLOAT16;
  }

  /** Lower-case name as NumPy and the converter print it, e.g. {@code int8}. */
  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
