package dev.litequant.testing;

import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** The sample inputs shipped beside the shared models, decoded for tests. */
public final class SampleInputs {
  private SampleInputs() {}

  /** 32x32 RGB images in [0, 255]: the person BMPs and the MNIST digits, resized, grey replicated. */
  public static List<List<TensorValue>> cifarLikeImages() {
    List<float[]> grey = new ArrayList<>();
    grey.addAll(grayImages(SharedModels.root().resolve("tflite-micro/person_detection/testdata"), 32));
    grey.addAll(grayImages(SharedModels.root().resolve("ai-edge-quantizer/mnist_images"), 32));
    List<List<TensorValue>> out = new ArrayList<>();
    for (float[] g : grey) {
      float[] rgb = new float[32 * 32 * 3];
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] = g[i / 3] * 255f;
      }
      out.add(List.of(TensorValue.ofFloats(Shape.of(1, 32, 32, 3), rgb)));
    }
    return out;
  }

  /** Every PNG in a folder as grey values scaled to [0, 1], resized to size x size, in file order. */
  public static List<float[]> grayImages(Path folder, int size) {
    List<float[]> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".png") || f.toString().endsWith(".bmp")).sorted().toList()) {
        out.add(gray(p, size));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** One image as grey values in [0, 1], nearest-neighbour resized to size x size. */
  public static float[] gray(Path image, int size) {
    try {
      BufferedImage img = ImageIO.read(image.toFile());
      float[] v = new float[size * size];
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int rgb = img.getRGB(x * img.getWidth() / size, y * img.getHeight() / size);
          int g = ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3;
          v[y * size + x] = g / 255f;
        }
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All float literals of the first array initialiser in a C source file. */
  public static float[] floatArrayFromC(Path source) {
    try {
      String text = Files.readString(source);
      int open = text.indexOf('{');
      int close = text.indexOf('}', open);
      Matcher m = Pattern.compile("-?\\d+\\.?\\d*(?:[eE][-+]?\\d+)?f?").matcher(text.substring(open + 1, close));
      List<Float> values = new ArrayList<>();
      while (m.find()) {
        values.add(Float.parseFloat(m.group().replace("f", "")));
      }
      float[] out = new float[values.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = values.get(i);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A float tensor of the given shape filled from {@code values} (scaled), cycling if shorter. */
  public static TensorValue tensor(Shape shape, float[] values, float scale) {
    float[] v = new float[(int) shape.elementCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i % values.length] * scale;
    }
    return TensorValue.ofFloats(shape, v);
  }
}
