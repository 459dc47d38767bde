package dev.litequant.flatbuf;

/** The wire types a flatbuffer field can have, with the byte width of the scalar ones. */
public enum FieldType {
  BOOL(1),
  INT8(1),
  UINT8(1),
  INT16(2),
  UINT16(2),
  INT32(4),
  UINT32(4),
  INT64(8),
  UINT64(8),
  FLOAT32(4),
  FLOAT64(8),
  STRING(4),
  VECTOR(4),
  TABLE(4),
  UNION(4);

  private final int width;

  FieldType(int width) {
    this.width = width;
  }

  /** Bytes the field occupies inside its table (offsets are 4 bytes). */
  public int width() {
    return width;
  }

  public boolean isScalar() {
    return ordinal() <= FLOAT64.ordinal();
  }

  static FieldType parseScalar(String name) {
    return switch (name) {
      case "bool" -> BOOL;
      case "byte" -> INT8;
      case "ubyte" -> UINT8;
      case "short" -> INT16;
      case "ushort" -> UINT16;
      case "int" -> INT32;
      case "uint" -> UINT32;
      case "long" -> INT64;
      case "ulong" -> UINT64;
      case "float" -> FLOAT32;
      case "double" -> FLOAT64;
      default -> null;
    };
  }
}
