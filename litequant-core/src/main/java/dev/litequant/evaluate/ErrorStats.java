package dev.litequant.evaluate;

/**
 * Running error statistics of a quantized tensor against its float counterpart, over every
 * element of every sample: signal and noise energy, bias, the largest error, and the float range
 * actually seen.
 */
final class ErrorStats {
  private long count;
  private double signal;
  private double noise;
  private double errorSum;
  private double maxAbsError;
  private float observedMin = Float.POSITIVE_INFINITY;
  private float observedMax = Float.NEGATIVE_INFINITY;

  /** Adds one sample: {@code reference} from the float model, {@code actual} dequantized. */
  void add(float[] reference, float[] actual, int n) {
    for (int i = 0; i < n; i++) {
      float r = reference[i];
      double e = (double) actual[i] - r;
      signal += (double) r * r;
      noise += e * e;
      errorSum += e;
      maxAbsError = Math.max(maxAbsError, Math.abs(e));
      observedMin = Math.min(observedMin, r);
      observedMax = Math.max(observedMax, r);
    }
    count += n;
  }

  long count() {
    return count;
  }

  /** 10 log10(sum ref^2 / sum err^2) in dB; +infinity when there is no error. */
  double sqnr() {
    if (noise == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10 * Math.log10(signal / noise);
  }

  double rmse() {
    return count == 0 ? 0 : Math.sqrt(noise / count);
  }

  double meanError() {
    return count == 0 ? 0 : errorSum / count;
  }

  double maxAbsError() {
    return maxAbsError;
  }

  float observedMin() {
    return observedMin;
  }

  float observedMax() {
    return observedMax;
  }
}
