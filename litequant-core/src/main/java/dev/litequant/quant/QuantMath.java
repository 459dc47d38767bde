package dev.litequant.quant;

/**
 * The integer arithmetic of TensorFlow Lite 2.6.2's quantized kernels on x86-64, so that LiteQuant
 * reproduces them bit for bit. Names follow {@code int8-arithmetic.md} (section 1): a real
 * multiplier becomes a Q31 multiplier plus a shift ({@link #quantizeMultiplier}), applied with a
 * saturating rounding doubling high multiply ({@link #srdhm}) and a rounding right shift ({@link
 * #rdbpot}), either as two roundings ({@link #mbqm}) or as ruy's single rounding ({@link #ruyMul}).
 */
public final class QuantMath {
  private QuantMath() {}

  /** A quantized multiplier: {@code real ~= multiplier * 2^(shift - 31)}; shift > 0 is a left shift. */
  public record Multiplier(int multiplier, int shift) {
    public static final Multiplier ZERO = new Multiplier(0, 0);
  }

  /**
   * TensorFlow Lite's {@code QuantizeMultiplier}: frexp, round half away from zero to Q31, a
   * mantissa that rounds up to 1.0 moves to the next exponent, and multipliers below 2^-31 flush
   * to zero. There is no upper clamp on the shift.
   */
  public static Multiplier quantizeMultiplier(double m) {
    if (m == 0) {
      return Multiplier.ZERO;
    }
    int e = Math.getExponent(m) + 1;
    double q = Math.scalb(m, -e);
    if (Math.abs(q) < 0.5) {
      // Subnormal doubles: getExponent reports the minimum; normalise by hand.
      while (Math.abs(q) < 0.5) {
        q *= 2;
        e--;
      }
    }
    long mq = roundHalfAwayFromZero(q * (1L << 31));
    if (mq == (1L << 31)) {
      mq = 1L << 30;
      e++;
    }
    if (e < -31) {
      return Multiplier.ZERO;
    }
    return new Multiplier((int) mq, e);
  }

  /** Saturating rounding doubling high multiply (gemmlowp): rounds half up. */
  public static int srdhm(int a, int b) {
    if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.floorDiv((long) a * b + (1L << 30), 1L << 31);
  }

  /** The 16-bit variant: {@code (-32768, -32768)} gives 32767. */
  public static int srdhm16(int a, int b) {
    if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    return Math.floorDiv(a * b + (1 << 14), 1 << 15);
  }

  /** Rounding divide by 2^exponent, rounding half away from zero (0 <= exponent <= 31). */
  public static int rdbpot(int x, int exponent) {
    int mask = (int) ((1L << exponent) - 1);
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
  }

  /** {@code MultiplyByQuantizedMultiplier}: a left shift (wrapping), SRDHM, then a rounding right shift. */
  public static int mbqm(int x, int multiplier, int shift) {
    int left = Math.max(shift, 0);
    int right = Math.max(-shift, 0);
    return rdbpot(srdhm(x << left, multiplier), right);
  }

  /** {@code MultiplyByQuantizedMultiplierSmallerThanOneExp}: the multiplier is below one (shift <= 0). */
  public static int mbqmSmallerThanOneExp(int x, int multiplier, int shift) {
    return rdbpot(srdhm(x, multiplier), -shift);
  }

  /** ruy's multiplier as used inside int8 GEMMs: one rounding, ties toward +infinity. */
  public static int ruyMul(int x, int multiplier, int shift) {
    int total = 31 - shift;
    return (int) (((long) x * multiplier + (1L << (total - 1))) >> total);
  }

  /**
   * The 16x8 kernels' multiply on an int64 accumulator: the multiplier is first cut to 16 bits;
   * one rounding, half up, no saturation.
   */
  public static int mbqm64(long x, int multiplier, int shift) {
    long m16 = multiplier < 0x7FFF0000 ? (multiplier + (1L << 15)) >> 16 : 0x7FFF;
    int total = 15 - shift;
    return (int) ((x * m16 + (1L << (total - 1))) >> total);
  }

  /** {@code DownScaleInt32ToInt16Multiplier}. */
  public static int downScaleToInt16(int multiplier) {
    return multiplier >= Integer.MAX_VALUE - (1 << 15) ? 32767 : (multiplier + (1 << 15)) >> 16;
  }

  /** C's {@code round} on doubles: half away from zero ({@link Math#round} rounds -2.5 to -2). */
  public static long roundHalfAwayFromZero(double x) {
    double t = x < 0 ? Math.ceil(x) : Math.floor(x);
    if (Math.abs(x - t) >= 0.5) {
      t += Math.signum(x);
    }
    return (long) t;
  }

  /** C's {@code roundf}: half away from zero, in float. */
  public static float roundHalfAwayFromZero(float x) {
    float t = x < 0 ? (float) Math.ceil(x) : (float) Math.floor(x);
    if (Math.abs(x - t) >= 0.5f) {
      t += Math.signum(x);
    }
    return t;
  }

  /**
   * x86's float/double to int32 conversion: truncation, with NaN and out-of-range values giving
   * {@code 0x80000000} where Java would saturate.
   */
  public static int x86ToInt(double v) {
    if (Double.isNaN(v) || v >= 2147483648.0 || v < -2147483648.0) {
      return Integer.MIN_VALUE;
    }
    return (int) v;
  }

  /** Clamps to [lo, hi]. */
  public static int clamp(int v, int lo, int hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
}
