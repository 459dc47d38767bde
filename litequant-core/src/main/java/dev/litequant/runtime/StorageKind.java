package dev.litequant.runtime;

import dev.litequant.graph.DataType;

/** The Java array type that holds a tensor's elements at run time. */
public enum StorageKind {
  /** float32 in {@code float[]}. */
  FLOAT,
  /** int32 in {@code int[]}. */
  INT,
  /** int64 in {@code long[]}. */
  LONG,
  /** int8, uint8 (read with {@code & 0xFF}) and bool (0 or 1) in {@code byte[]}. */
  BYTE,
  /** int16, uint16 and float16 (raw IEEE half bits) in {@code short[]}. */
  SHORT;

  /** The storage of a type, or null when the runtime cannot hold it (strings, complex, ...). */
  public static StorageKind of(DataType type) {
    return switch (type) {
      case FLOAT32 -> FLOAT;
      case INT32 -> INT;
      case INT64 -> LONG;
      case INT8, UINT8, BOOL -> BYTE;
      case INT16, UINT16, FLOAT16 -> SHORT;
      default -> null;
    };
  }

  Object allocate(int size) {
    return switch (this) {
      case FLOAT -> new float[size];
      case INT -> new int[size];
      case LONG -> new long[size];
      case BYTE -> new byte[size];
      case SHORT -> new short[size];
    };
  }

  static int length(Object array) {
    return java.lang.reflect.Array.getLength(array);
  }
}
