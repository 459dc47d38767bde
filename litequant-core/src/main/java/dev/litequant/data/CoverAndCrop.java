package dev.litequant.data;

/**
 * Fits an image to a model's H x W without distorting it: scales it (bilinear) so that it just
 * covers H x W (its shorter side, relative to the target's aspect, becomes the target's), then cuts
 * the centre H x W out of it.
 *
 * <p>Exactly: s = max(H / h, W / w); the scaled image is round(h * s) x round(w * s) (at least H x
 * W); the crop starts at row floor((round(h * s) - H) / 2) and column floor((round(w * s) - W) /
 * 2). Each output pixel samples the source bilinearly with half-pixel centres, as TensorFlow's
 * {@code tf.image.resize(method="bilinear")} does: source row = (row + 0.5) * h / round(h * s) -
 * 0.5, clamped to [0, h - 1], between the two nearest rows (same for columns). There is no
 * anti-aliasing: shrinking by a factor k samples every k-th pixel neighbourhood, like TensorFlow's
 * default. An image already H x W comes out unchanged.
 */
final class CoverAndCrop {
  private CoverAndCrop() {}

  /** The H x W x channels values, row by row, channels interleaved. */
  static float[] apply(DecodedImage image, int outHeight, int outWidth) {
    int h = image.height();
    int w = image.width();
    int channels = image.channels();
    double s = Math.max(outHeight / (double) h, outWidth / (double) w);
    int scaledH = Math.max(outHeight, (int) Math.round(h * s));
    int scaledW = Math.max(outWidth, (int) Math.round(w * s));
    Axis rows = new Axis(h, scaledH, (scaledH - outHeight) / 2, outHeight);
    Axis cols = new Axis(w, scaledW, (scaledW - outWidth) / 2, outWidth);
    float[] out = new float[outHeight * outWidth * channels];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        for (int c = 0; c < channels; c++) {
          double top = lerp(image.value(cols.low[x], rows.low[y], c), image.value(cols.high[x], rows.low[y], c),
              cols.frac[x]);
          double bottom = lerp(image.value(cols.low[x], rows.high[y], c),
              image.value(cols.high[x], rows.high[y], c), cols.frac[x]);
          out[(y * outWidth + x) * channels + c] = (float) lerp(top, bottom, rows.frac[y]);
        }
      }
    }
    return out;
  }

  private static double lerp(double a, double b, double t) {
    return t == 0 ? a : a + (b - a) * t;
  }

  /** For each output index along one axis: the two source indices and the weight of the second. */
  private static final class Axis {
    final int[] low;
    final int[] high;
    final double[] frac;

    Axis(int source, int scaled, int offset, int out) {
      low = new int[out];
      high = new int[out];
      frac = new double[out];
      double step = source / (double) scaled;
      for (int i = 0; i < out; i++) {
        double at = Math.min(Math.max((i + offset + 0.5) * step - 0.5, 0), source - 1);
        low[i] = (int) Math.floor(at);
        high[i] = Math.min(low[i] + 1, source - 1);
        frac[i] = at - low[i];
      }
    }
  }
}
