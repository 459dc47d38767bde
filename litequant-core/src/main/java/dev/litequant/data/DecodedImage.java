package dev.litequant.data;

/**
 * An image's pixel values, each in [0, 255] (16-bit images scaled into that range with their
 * fraction kept), row by row, channels interleaved: 1 channel (grey) or 3 (R, G, B). Alpha is
 * never kept: transparent pixels keep the colour stored under them.
 */
record DecodedImage(int width, int height, int channels, float[] values) {
  /** ITU-R BT.601 luma weights, the ones most image libraries use for "to greyscale". */
  static final double LUMA_R = 0.299;
  static final double LUMA_G = 0.587;
  static final double LUMA_B = 0.114;

  DecodedImage {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels " + channels);
    }
    if ((long) width * height * channels != values.length) {
      throw new IllegalArgumentException(width + "x" + height + "x" + channels + " != " + values.length);
    }
  }

  float value(int x, int y, int c) {
    return values[(y * width + x) * channels + c];
  }

  /** This image with 1 or 3 channels: grey becomes R = G = B; colour becomes BT.601 luma. */
  DecodedImage withChannels(int target) {
    if (target == channels) {
      return this;
    }
    int pixels = width * height;
    float[] out = new float[pixels * target];
    if (target == 3) {
      for (int p = 0; p < pixels; p++) {
        out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = values[p];
      }
    } else {
      for (int p = 0; p < pixels; p++) {
        out[p] = (float) (LUMA_R * values[3 * p] + LUMA_G * values[3 * p + 1] + LUMA_B * values[3 * p + 2]);
      }
    }
    return new DecodedImage(width, height, target, out);
  }
}
