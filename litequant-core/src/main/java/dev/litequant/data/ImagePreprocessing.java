package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import java.util.Arrays;

/**
 * How pixel values become model input values: each value v in [0, 255] (16-bit images are scaled
 * into that range, keeping the fraction) becomes {@code (v * scale - mean[c]) / std[c]} for
 * channel c. {@code mean} and {@code std} hold one value for every channel, or one per channel in
 * the input's channel order (R, G, B). The defaults (scale 1, mean 0, std 1) keep raw 0..255
 * values; {@code scale = 1/255} gives 0..1, and mean 127.5 with std 127.5 gives -1..1.
 */
public record ImagePreprocessing(float scale, float[] mean, float[] std) {
  /** Raw 0..255 values. */
  public static final ImagePreprocessing DEFAULTS = new ImagePreprocessing(1f, new float[] {0f}, new float[] {1f});

  public ImagePreprocessing {
    if (!Float.isFinite(scale) || scale == 0f) {
      throw new InvalidArgumentException("--scale " + scale + ": the pixel scale must be a finite number other "
          + "than 0 (e.g. 1 for raw 0..255 values, 1/255 for 0..1).");
    }
    mean = checked(mean, "--mean", false);
    std = checked(std, "--std", true);
  }

  private static float[] checked(float[] values, String option, boolean nonZero) {
    if (values == null || values.length == 0) {
      throw new InvalidArgumentException(option + " needs one value, or one per channel.");
    }
    for (float v : values) {
      if (!Float.isFinite(v) || (nonZero && v == 0f)) {
        throw new InvalidArgumentException(option + " " + format(values) + ": every value must be a finite number"
            + (nonZero ? " other than 0 (pixel values are divided by it)." : "."));
      }
    }
    return values.clone();
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  /**
   * Checks that mean and std fit an input with this many channels; {@code input} names it in the
   * error.
   */
  public void requireChannels(int channels, String input) {
    for (float[] values : new float[][] {mean, std}) {
      if (values.length != 1 && values.length != channels) {
        throw new InvalidArgumentException((values == mean ? "--mean " : "--std ") + format(values) + " has "
            + values.length + " values, but " + input + " has " + channels + " channel" + (channels == 1 ? "" : "s")
            + ": give one value for all channels" + (channels == 1 ? "." : ", or " + channels + " (one per channel)."));
      }
    }
  }

  /** The input value for pixel value {@code v} (0..255) of channel {@code c}. */
  public float apply(float v, int c) {
    float m = mean.length == 1 ? mean[0] : mean[c];
    float s = std.length == 1 ? std[0] : std[c];
    return (float) ((v * (double) scale - m) / s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImagePreprocessing p && Float.compare(p.scale, scale) == 0 && Arrays.equals(p.mean, mean)
        && Arrays.equals(p.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Float.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "scale " + scale + ", mean " + format(mean) + ", std " + format(std);
  }

  private static String format(float[] values) {
    StringBuilder b = new StringBuilder();
    for (float v : values) {
      b.append(b.length() == 0 ? "" : ",").append(v);
    }
    return b.toString();
  }
}
