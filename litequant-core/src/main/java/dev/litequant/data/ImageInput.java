package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;

/**
 * A model input that takes one image: NHWC {@code [1, H, W, C]} with C = 1 (grey) or 3 (RGB), or
 * {@code [1, H, W]} (grey), float32 or quantized int8/uint8.
 */
final class ImageInput {
  final int height;
  final int width;
  final int channels;
  private final InputEncoder encoder;

  private ImageInput(int height, int width, int channels, InputEncoder encoder) {
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.encoder = encoder;
  }

  static ImageInput of(Tensor input, String name) {
    int[] d = input.shape().dims();
    boolean nhwc = d.length == 4 && (d[3] == 1 || d[3] == 3);
    boolean grey = d.length == 3;
    if (!(nhwc || grey) || d[0] != 1 || d[1] < 1 || d[2] < 1) {
      throw new InvalidArgumentException("Input '" + name + "' has shape " + input.shape() + ", which is not an "
          + "image: images feed an input of shape [1, H, W, C] with C = 1 (grey) or 3 (RGB), or [1, H, W] (grey).");
    }
    if (input.type() == DataType.INT16) {
      throw new InvalidArgumentException("Input '" + name + "' is int16; images feed float32 inputs and quantized "
          + "int8 or uint8 inputs.");
    }
    return new ImageInput(d[1], d[2], nhwc ? d[3] : 1, InputEncoder.of(input, name, "images"));
  }

  /** The input value for one image, after {@code preprocessing}. */
  TensorValue value(DecodedImage image, ImagePreprocessing preprocessing) {
    float[] v = CoverAndCrop.apply(image.withChannels(channels), height, width);
    for (int i = 0; i < v.length; i++) {
      v[i] = preprocessing.apply(v[i], i % channels);
    }
    return encoder.encode(v);
  }
}
