package dev.litequant.runtime;

/** IEEE 754 half precision, converted exactly (Float.float16ToFloat arrived only in JDK 20). */
public final class Float16 {
  private Float16() {}

  /** Exact widening of half-precision bits to float. */
  public static float toFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h >>> 15) != 0 ? -1 : 1;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0) {
      return sign * mant * 0x1p-24f;
    }
    if (exp == 31) {
      return mant == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
    }
    return sign * (1024 + mant) * (float) Math.scalb(1.0, exp - 25);
  }

  /**
   * Rounds a float to the nearest half (ties to even), saturating to the largest finite half
   * (65504) rather than overflowing to infinity; NaN stays NaN and infinities stay infinite.
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7E00);
    }
    if (Float.isInfinite(f)) {
      return (short) (sign | 0x7C00);
    }
    float abs = Math.abs(f);
    if (abs >= 65520f) {
      return (short) (sign | 0x7BFF);
    }
    int e = Math.getExponent(abs);
    if (abs == 0 || e < -25) {
      return (short) sign;
    }
    // Values below 2^-14 are subnormal halves: multiples of 2^-24.
    int quantumExp = Math.max(e, -14) - 10;
    double scaled = Math.scalb((double) abs, -quantumExp);
    long q = (long) Math.rint(scaled);
    if (e < -14) {
      return (short) (sign | (int) q);
    }
    // q in [1024, 2048]; 2048 means the mantissa rounded up into the next binade.
    int exp = e + 15;
    if (q == 2048) {
      q = 1024;
      exp++;
    }
    if (exp >= 31) {
      return (short) (sign | 0x7BFF);
    }
    return (short) (sign | (exp << 10) | (int) (q - 1024));
  }
}
