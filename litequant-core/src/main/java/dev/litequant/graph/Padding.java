package dev.litequant.graph;

/** Padding of convolutions and pools (schema enum {@code Padding}). */
public enum Padding {
  SAME,
  VALID;

  public int code() {
    return ordinal();
  }

  public static Padding fromCode(int code) {
    if (code < 0 || code >= values().length) {
      throw new IllegalArgumentException("unknown padding code " + code);
    }
    return values()[code];
  }
}
