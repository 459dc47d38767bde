package dev.litequant.runtime.kernels;

/**
 * The error function, which {@link Math} lacks: a series near zero and a continued fraction for
 * the tail, accurate to about 1e-15 in double, far below float resolution.
 */
public final class Erf {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  private Erf() {}

  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    if (ax < 2.5) {
      // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum x^(2n+1) 2^n / (1*3*...*(2n+1)): all terms positive.
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 100 && term > 1e-17 * sum; n++) {
        term *= 2 * x2 / (2 * n + 1);
        sum += term;
      }
      return Math.copySign(TWO_OVER_SQRT_PI * Math.exp(-x2) * sum, x);
    }
    if (ax > 6) {
      return Math.copySign(1.0, x);
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
    double f = ax;
    for (int k = 60; k >= 1; k--) {
      f = ax + (k / 2.0) / f;
    }
    double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return Math.copySign(1 - erfc, x);
  }
}
