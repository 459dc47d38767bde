package dev.litequant.runtime.kernels;

import dev.litequant.quant.QuantMath;

/**
 * How TensorFlow Lite 2.6.2's hybrid kernels quantize a float input on the fly, one batch row at a
 * time ({@code tensor_utils} portable {@code SymmetricQuantizeFloats} and {@code
 * AsymmetricQuantizeFloats}; {@code int8-arithmetic.md} section 4). The float and double steps are
 * those of the portable code, which is what the x86 build runs, so the codes and scaling factors
 * come out bit for bit the same.
 */
final class HybridInputs {
  private HybridInputs() {}

  /** The codes of one row go to {@code q}; the row's scaling factor and zero point are returned. */
  record RowParams(float scalingFactor, int zeroPoint) {}

  static RowParams quantize(boolean asymmetric, float[] x, int from, int n, byte[] q, int to) {
    return asymmetric ? asymmetric(x, from, n, q, to) : symmetric(x, from, n, q, to);
  }

  /**
   * Symmetric: codes in [-127, 127] with zero point 0. An all-zero row (either sign) gets codes 0
   * and scaling factor 1.
   */
  static RowParams symmetric(float[] x, int from, int n, byte[] q, int to) {
    float min = x[from];
    float max = x[from];
    for (int i = from + 1; i < from + n; i++) {
      min = Math.min(min, x[i]);
      max = Math.max(max, x[i]);
    }
    float range = Math.max(Math.abs(min), Math.abs(max));
    if (range == 0f) {
      java.util.Arrays.fill(q, to, to + n, (byte) 0);
      return new RowParams(1f, 0);
    }
    float inverse = 127f / range;
    for (int i = 0; i < n; i++) {
      int v = (int) QuantMath.roundHalfAwayFromZero(x[from + i] * inverse);
      q[to + i] = (byte) Math.max(-127, Math.min(127, v));
    }
    return new RowParams(range / 127f, 0);
  }

  /**
   * Asymmetric: the row's range widened to contain 0, scale and zero point computed in double
   * (the zero point from whichever end gives the smaller error, as for activations), codes in
   * [-128, 127] computed in float from the zero point and the float reciprocal of the scale.
   */
  static RowParams asymmetric(float[] x, int from, int n, byte[] q, int to) {
    float lo = x[from];
    float hi = x[from];
    for (int i = from + 1; i < from + n; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    double rmin = Math.min(0f, lo);
    double rmax = Math.max(0f, hi);
    if (rmin == rmax) {
      java.util.Arrays.fill(q, to, to + n, (byte) 0);
      return new RowParams(1f, 0);
    }
    double scale = (rmax - rmin) / 255.0;
    double zeroFromMin = -128.0 - rmin / scale;
    double zeroFromMax = 127.0 - rmax / scale;
    double errorFromMin = 128.0 + Math.abs(rmin / scale);
    double errorFromMax = 127.0 + Math.abs(rmax / scale);
    double zero = errorFromMin < errorFromMax ? zeroFromMin : zeroFromMax;
    int zp;
    if (zero <= -128.0) {
      zp = -128;
    } else if (zero >= 127.0) {
      zp = 127;
    } else {
      zp = (int) QuantMath.roundHalfAwayFromZero(zero);
    }
    float factor = (float) scale;
    float inverse = 1f / factor;
    for (int i = 0; i < n; i++) {
      int v = (int) QuantMath.roundHalfAwayFromZero((float) zp + x[from + i] * inverse);
      q[to + i] = (byte) Math.max(-128, Math.min(127, v));
    }
    return new RowParams(factor, zp);
  }

  /** Whether every value is zero (of either sign), which lets the hybrid FULLY_CONNECTED skip the product. */
  static boolean allZero(float[] x, int n) {
    for (int i = 0; i < n; i++) {
      if (x[i] != 0f) {
        return false;
      }
    }
    return true;
  }
}
