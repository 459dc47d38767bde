package dev.litequant.calibration;

/**
 * The values one tensor took during calibration: the global minimum and maximum over all samples
 * (the official calibrator's rule), how many samples were seen, and how many non-finite values
 * were left out of the range.
 */
public record TensorRange(float min, float max, int samples, long nonFinite) {
  /** A range widened by one more sample's values. */
  public TensorRange merge(float sampleMin, float sampleMax, long sampleNonFinite) {
    return new TensorRange(Math.min(min, sampleMin), Math.max(max, sampleMax), samples + 1, nonFinite + sampleNonFinite);
  }

  public static TensorRange of(float min, float max, long nonFinite) {
    return new TensorRange(min, max, 1, nonFinite);
  }
}
