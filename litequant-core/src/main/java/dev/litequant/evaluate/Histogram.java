package dev.litequant.evaluate;

/**
 * Counts of a layer's float values in equal bins over a fixed span around its quantization range
 * (a quarter of the range on each side), plus counts below and above the span, so clipping shows.
 */
public final class Histogram {
  private final double lo;
  private final double hi;
  private final long[] counts;
  private long below;
  private long above;

  Histogram(double lo, double hi, int bins) {
    this.lo = lo;
    this.hi = hi;
    this.counts = new long[bins];
  }

  /** A histogram spanning the representable range [min, max] with a quarter of it on each side. */
  static Histogram around(double min, double max, int bins) {
    double margin = (max - min) / 4;
    return new Histogram(min - margin, max + margin, bins);
  }

  void add(float[] values, int n) {
    double width = (hi - lo) / counts.length;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (v < lo) {
        below++;
      } else if (v >= hi) {
        above++;
      } else {
        counts[Math.min(counts.length - 1, (int) ((v - lo) / width))]++;
      }
    }
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  public long[] counts() {
    return counts.clone();
  }

  public long below() {
    return below;
  }

  public long above() {
    return above;
  }
}
