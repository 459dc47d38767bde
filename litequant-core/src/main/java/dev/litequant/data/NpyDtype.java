package dev.litequant.data;

import dev.litequant.graph.DataType;

/** The NumPy dtype strings ({@code descr}) LiteQuant reads and writes, and advice for the others. */
final class NpyDtype {
  private NpyDtype() {}

  /** What a {@code descr} names: a type LiteQuant holds, or why not. */
  record Parsed(DataType type, String problem) {}

  static final String SUPPORTED = "float32 (<f4), int32 (<i4), int64 (<i8), int8 (|i1), uint8 (|u1), int16 (<i2) "
      + "and bool (|b1)";

  /** The descr written for a type, or null when LiteQuant does not write it. */
  static String descr(DataType type) {
    return switch (type) {
      case FLOAT32 -> "<f4";
      case INT32 -> "<i4";
      case INT64 -> "<i8";
      case INT8 -> "|i1";
      case UINT8 -> "|u1";
      case INT16 -> "<i2";
      case BOOL -> "|b1";
      default -> null;
    };
  }

  static Parsed parse(String descr) {
    if (descr.isEmpty()) {
      return problem("has an empty dtype");
    }
    char order = descr.charAt(0);
    String code = "<>=|".indexOf(order) >= 0 ? descr.substring(1) : descr;
    DataType type = switch (code) {
      case "f4" -> DataType.FLOAT32;
      case "i4" -> DataType.INT32;
      case "i8" -> DataType.INT64;
      case "i1" -> DataType.INT8;
      case "u1" -> DataType.UINT8;
      case "i2" -> DataType.INT16;
      case "b1" -> DataType.BOOL;
      default -> null;
    };
    if (type == null) {
      return problem("has dtype '" + descr + "'" + describe(code) + ", which LiteQuant does not read (it reads "
          + SUPPORTED + ")" + advice(code));
    }
    boolean oneByte = type.byteSize() == 1;
    if (order == '>' && !oneByte) {
      return problem("is big-endian (dtype '" + descr + "'); LiteQuant reads little-endian data: convert it with "
          + "a.astype('<" + code + "')");
    }
    if (order == '|' && !oneByte) {
      return problem("has dtype '" + descr + "', which has no byte order for a " + type.byteSize() + "-byte type");
    }
    // '=' (native) is taken as little-endian: every platform NumPy writes .npy files on today is.
    return new Parsed(type, null);
  }

  private static Parsed problem(String problem) {
    return new Parsed(null, problem);
  }

  private static String describe(String code) {
    return switch (code) {
      case "f8" -> " (float64)";
      case "f2" -> " (float16)";
      case "u2" -> " (uint16)";
      case "u4" -> " (uint32)";
      case "u8" -> " (uint64)";
      case "c8", "c16" -> " (complex)";
      case "O" -> " (Python objects)";
      default -> code.startsWith("U") || code.startsWith("S") ? " (strings)" : "";
    };
  }

  private static String advice(String code) {
    if (code.startsWith("f") || code.startsWith("c")) {
      return ": convert it to float32 first with a.astype(np.float32)";
    }
    if (code.startsWith("u") || code.startsWith("i")) {
      return ": convert it to a supported type first, e.g. with a.astype(np.int32)";
    }
    return "";
  }
}
