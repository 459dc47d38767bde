package dev.litequant.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.ImagePreprocessing;
import dev.litequant.data.Npy;
import dev.litequant.data.WavWriter;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders of images and WAV files as data sets: the values each input gets (worked out by hand
 * from the pixels written), the labels, and every mistake named with the file (and line) at fault.
 */
class DatasetSpecFoldersTest {
  @TempDir Path dir;

  /** A model whose one input 'x' has this type and shape (and y = RELU(x) for float inputs). */
  private static Model oneInput(DataType type, Quantization q, int... shape) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", type, shape);
    if (q != null) {
      x.setQuantization(q);
    }
    if (type != DataType.FLOAT32) {
      return b.output(x).build();
    }
    return b.output(b.apply(BuiltinOperator.RELU, null, "y", type, shape, x)).build();
  }

  private static Model floatImage(int... shape) {
    return oneInput(DataType.FLOAT32, null, shape);
  }

  /** Writes a 2x2 RGB PNG with pixels (row by row) 0xRRGGBB. */
  private Path rgbPng(Path folder, String name, int... rgb) throws IOException {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 4; i++) {
      img.setRGB(i % 2, i / 2, rgb[i]);
    }
    Files.createDirectories(folder);
    Path p = folder.resolve(name);
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  private Path greyPng(Path folder, String name, int... values) throws IOException {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSamples(0, 0, 2, 2, 0, values);
    Files.createDirectories(folder);
    Path p = folder.resolve(name);
    ImageIO.write(img, "png", p.toFile());
    return p;
  }

  private static float[] input(DatasetSpec spec, int i) {
    return spec.mainSamples().get(i).get(0).toFloats();
  }

  @Test
  void pixelsBecomeScaledNormalisedValuesPerChannel() throws IOException {
    Path d = dir.resolve("rgb");
    rgbPng(d, "a.png", 0x000000, 0xFF8040, 0x102030, 0xFFFFFF);
    ImagePreprocessing p = new ImagePreprocessing(1 / 255f, new float[] {0.5f, 0.25f, 0f},
        new float[] {0.5f, 0.25f, 2f});
    DatasetSpec spec = DatasetSpec.parse(d.toString(), floatImage(1, 2, 2, 3), p, null);
    assertEquals("1 image from rgb", spec.description());
    int[] pixels = {0, 0, 0, 255, 128, 64, 16, 32, 48, 255, 255, 255};
    double[] mean = {0.5, 0.25, 0};
    double[] std = {0.5, 0.25, 2};
    float[] expected = new float[12];
    for (int i = 0; i < 12; i++) {
      expected[i] = (float) ((pixels[i] / 255.0 - mean[i % 3]) / std[i % 3]);
    }
    assertArrayEquals(expected, input(spec, 0), 1e-6f);
    assertEquals(Shape.of(1, 2, 2, 3), spec.mainSamples().get(0).get(0).shape());
  }

  @Test
  void colourBecomesGreyAndGreyBecomesColourToFitTheInput() throws IOException {
    Path colour = dir.resolve("colour");
    rgbPng(colour, "a.png", 0xFF0000, 0x00FF00, 0x0000FF, 0x102030);
    DatasetSpec grey = DatasetSpec.parse(colour.toString(), floatImage(1, 2, 2));
    assertArrayEquals(new float[] {76.245f, 149.685f, 29.07f, 0.299f * 16 + 0.587f * 32 + 0.114f * 48},
        input(grey, 0), 1e-4f);
    DatasetSpec greyNhwc = DatasetSpec.parse(colour.toString(), floatImage(1, 2, 2, 1));
    assertArrayEquals(input(grey, 0), input(greyNhwc, 0));

    Path greys = dir.resolve("greys");
    greyPng(greys, "g.png", 1, 2, 3, 250);
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 250, 250, 250},
        input(DatasetSpec.parse(greys.toString(), floatImage(1, 2, 2, 3)), 0));
  }

  @Test
  void quantizedInputsTakeTheValueQuantized() throws IOException {
    Path d = dir.resolve("g");
    greyPng(d, "g.png", 0, 1, 128, 255);
    // ResNet-8's quantized twin: int8, scale 1, zero point -128: q = v - 128.
    Model int8 = oneInput(DataType.INT8, Quantization.perTensor(1f, -128), 1, 2, 2, 1);
    assertArrayEquals(new byte[] {-128, -127, 0, 127}, DatasetSpec.parse(d.toString(), int8).mainSamples().get(0)
        .get(0).bytes());
    // uint8, scale 2, zero point 10: 0 -> 10, 0.5 -> 1 (half away from zero) + 10, 64 + 10, 127.5 -> 128 + 10.
    Model uint8 = oneInput(DataType.UINT8, Quantization.perTensor(2f, 10), 1, 2, 2, 1);
    assertArrayEquals(new float[] {10, 11, 74, 138}, DatasetSpec.parse(d.toString(), uint8).mainSamples().get(0)
        .get(0).toFloats());
    // Clamped to int8: 255 / 0.5 = 510 -> 127; with --mean 255: -255 / 0.5 -> -128.
    Model narrow = oneInput(DataType.INT8, Quantization.perTensor(0.5f, 0), 1, 2, 2, 1);
    assertArrayEquals(new byte[] {-128, -128, -128, 0}, DatasetSpec.parse(d.toString(), narrow,
        new ImagePreprocessing(1, new float[] {255}, new float[] {1}), null).mainSamples().get(0).get(0).bytes());
  }

  @Test
  void calibrationSeesEveryImageInOrder() throws IOException {
    Path d = dir.resolve("cal");
    greyPng(d, "img10.png", 5, 6, 7, 8);
    greyPng(d, "img2.png", 100, 90, 80, 70);
    greyPng(d, "img1.png", 30, 200, 40, 50);
    Model m = floatImage(1, 2, 2, 1);
    DatasetSpec spec = DatasetSpec.parse(d.toString(), m);
    assertEquals(3, spec.samples());
    assertArrayEquals(new float[] {30, 200, 40, 50}, input(spec, 0));
    assertArrayEquals(new float[] {100, 90, 80, 70}, input(spec, 1));
    assertArrayEquals(new float[] {5, 6, 7, 8}, input(spec, 2));
    CalibrationStats s = Calibrator.calibrate(m, spec.dataset(), null);
    Subgraph g = m.mainSubgraph();
    assertEquals(new TensorRange(5, 200, 3, 0), s.range(0, g.indexOf(g.inputs().get(0))));
  }

  @Test
  void labelsFromAFileFromLabelsTxtOrFromClassFolders() throws IOException {
    Path d = dir.resolve("flat");
    greyPng(d, "b.png", 1, 1, 1, 1);
    greyPng(d, "a.png", 2, 2, 2, 2);
    Model m = floatImage(1, 2, 2, 1);
    assertNull(DatasetSpec.parse(d.toString(), m).labels());
    Path mine = Files.writeString(dir.resolve("mine.txt"), "7\n8\n");
    assertArrayEquals(new int[] {7, 8}, DatasetSpec.parse(d.toString(), m, null, mine).labels());
    Files.writeString(d.resolve("labels.txt"), "# a.png, b.png\n4\n5\n");
    assertArrayEquals(new int[] {4, 5}, DatasetSpec.parse(d.toString(), m).labels());
    assertArrayEquals(new int[] {7, 8}, DatasetSpec.parse(d.toString(), m, null, mine).labels(),
        "--labels wins over the folder's labels.txt");

    Path classes = dir.resolve("classes");
    greyPng(classes.resolve("dog"), "1.png", 9, 9, 9, 9);
    greyPng(classes.resolve("cat"), "2.png", 8, 8, 8, 8);
    greyPng(classes.resolve("cat"), "1.png", 7, 7, 7, 7);
    DatasetSpec spec = DatasetSpec.parse(classes.toString(), m);
    assertArrayEquals(new int[] {0, 0, 1}, spec.labels());
    assertArrayEquals(new float[] {7, 7, 7, 7}, input(spec, 0));
    assertArrayEquals(new float[] {9, 9, 9, 9}, input(spec, 2));
    assertTrue(spec.sampleName(2).endsWith("dog/1.png".replace('/', File.separatorChar)));
    assertEquals("3 images in 2 class folders of classes", spec.description());

    Path npy = dir.resolve("x.npy");
    Npy.write(TensorValue.ofFloats(Shape.of(3, 2, 2, 1), new float[12]), npy);
    Path three = Files.writeString(dir.resolve("three.txt"), "0\n1\n2\n");
    assertArrayEquals(new int[] {0, 1, 2}, DatasetSpec.parse(npy.toString(), m, null, three).labels());
  }

  @Test
  void labelMistakesAreNamed() throws IOException {
    Path d = dir.resolve("flat");
    greyPng(d, "a.png", 1, 1, 1, 1);
    greyPng(d, "b.png", 1, 1, 1, 1);
    greyPng(d, "c.png", 1, 1, 1, 1);
    Model m = floatImage(1, 2, 2, 1);
    Path two = Files.writeString(dir.resolve("two.txt"), "0\n1\n");
    assertMessage(() -> DatasetSpec.parse(d.toString(), m, null, two), "Labels file " + two + " holds 2 labels, but "
        + d + " holds 3 samples");
    Path word = Files.writeString(dir.resolve("word.txt"), "0\n\none\n2\n");
    assertMessage(() -> DatasetSpec.parse(d.toString(), m, null, word), "Labels file " + word + ", line 3: 'one' is "
        + "not an integer");
    Files.writeString(d.resolve("labels.txt"), "1\n");
    assertMessage(() -> DatasetSpec.parse(d.toString(), m), "Labels file " + d.resolve("labels.txt") + " holds 1 "
        + "label, but " + d + " holds 3 samples");
    Path classes = dir.resolve("classes");
    greyPng(classes.resolve("0"), "a.png", 1, 1, 1, 1);
    assertMessage(() -> DatasetSpec.parse(classes.toString(), m, null, two), "has one subfolder per class, which "
        + "give the labels");
    assertMessage(() -> DatasetSpec.parse("random:2", m, null, two), "cannot label made-up samples");
  }

  @Test
  void wavFoldersFeedAudioInputs() throws IOException {
    Path d = dir.resolve("speech");
    Files.createDirectories(d);
    WavWriter.pcm16(d.resolve("long.wav"), (short) 1000, (short) 2000, (short) 3000, (short) 4000, (short) 5000);
    WavWriter.pcm16(d.resolve("short.wav"), (short) -16384);
    new WavWriter().fmt(1, 1, 8000, 16).data((short) 8192, (short) 0, (short) 0, (short) 0)
        .write(d.resolve("exact.wav"));
    Model m = floatImage(1, 4);
    DatasetSpec spec = DatasetSpec.parse(d.toString(), m);
    assertEquals("3 WAV files from speech", spec.description());
    assertArrayEquals(new float[] {0.25f, 0, 0, 0}, input(spec, 0));
    assertArrayEquals(new float[] {1000 / 32768f, 2000 / 32768f, 3000 / 32768f, 4000 / 32768f}, input(spec, 1));
    assertArrayEquals(new float[] {-0.5f, 0, 0, 0}, input(spec, 2));
    assertEquals(List.of(
        "1 of 3 WAV files are shorter than the input's 4 samples and are padded with zeros at the end.",
        "1 of 3 WAV files are longer than the input's 4 samples and are cut to their first 4.",
        "the WAV files have different sample rates (1 at 8000 Hz, 2 at 16000 Hz); they are not resampled."),
        spec.warnings());
    CalibrationStats s = Calibrator.calibrate(m, spec.dataset(), null);
    assertEquals(new TensorRange(-0.5f, 0.25f, 3, 0), s.range(0, 0));

    Path bad = dir.resolve("bad");
    Files.createDirectories(bad);
    WavWriter.pcm16(bad.resolve("a.wav"), (short) 1);
    new WavWriter().fmt(1, 2, 16000, 16).data((short) 1, (short) 2).write(bad.resolve("b.wav"));
    assertMessage(() -> DatasetSpec.parse(bad.toString(), m), "b.wav has 2 channels (stereo)");
    assertMessage(() -> DatasetSpec.parse(d.toString(), m, ImagePreprocessing.DEFAULTS, null),
        "--scale, --mean and --std apply to images, but " + d + " holds WAV files");
  }

  @Test
  void damagedAndStrayFilesAreNamed() throws IOException {
    Model m = floatImage(1, 2, 2, 1);
    Path stray = dir.resolve("stray");
    greyPng(stray, "a.png", 1, 2, 3, 4);
    Files.writeString(stray.resolve("README.txt"), "calibration images\n");
    assertMessage(() -> DatasetSpec.parse(stray.toString(), m), "holds README.txt, which is neither an image");

    Path fake = dir.resolve("fake");
    greyPng(fake, "a.png", 1, 2, 3, 4);
    Files.writeString(fake.resolve("b.png"), "not really a PNG\n");
    assertMessage(() -> DatasetSpec.parse(fake.toString(), m), fake.resolve("b.png") + " is not an image Java can "
        + "read");

    // A truncated PNG still has its header: it is caught when its pixels are decoded.
    Path cut = dir.resolve("cut");
    BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 64 * 64; i++) {
      big.getRaster().setSample(i % 64, i / 64, 0, (i * 37) % 256);
    }
    Files.createDirectories(cut);
    Path whole = cut.resolve("whole.png");
    ImageIO.write(big, "png", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Files.write(cut.resolve("zz-truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
    DatasetSpec spec = DatasetSpec.parse(cut.toString(), m);
    assertEquals(2, spec.samples());
    assertMessage(() -> spec.mainSamples().get(1), "zz-truncated.png could not be decoded as an image");
  }

  @Test
  void modelsImagesCannotFeedAreNamed() throws IOException {
    Path d = dir.resolve("img");
    greyPng(d, "a.png", 1, 2, 3, 4);
    assertMessage(() -> DatasetSpec.parse(d.toString(), floatImage(1, 8)), "Input 'x' has shape [1, 8], which is "
        + "not an image: images feed an input of shape [1, H, W, C]");
    assertMessage(() -> DatasetSpec.parse(d.toString(), floatImage(1, 4, 4, 2)), "[1, 4, 4, 2], which is not an image");
    assertMessage(() -> DatasetSpec.parse(d.toString(), oneInput(DataType.INT16, Quantization.perTensor(1, 0), 1, 2,
        2, 1)), "Input 'x' is int16; images feed float32 inputs and quantized int8 or uint8 inputs");
    assertMessage(() -> DatasetSpec.parse(d.toString(), oneInput(DataType.UINT8, null, 1, 2, 2, 1)),
        "Input 'x' is uint8 without quantization parameters");
    assertMessage(() -> DatasetSpec.parse(d.toString(), floatImage(1, 2, 2, 3), new ImagePreprocessing(1,
        new float[] {1, 2}, new float[] {1}), null), "--mean 1.0,2.0 has 2 values, but input 'x' [1, 2, 2, 3] has 3 "
        + "channels");

    ModelBuilder b = new ModelBuilder();
    Tensor x1 = b.input("a", DataType.FLOAT32, 1, 2, 2, 1);
    Tensor x2 = b.input("b", DataType.FLOAT32, 1, 2, 2, 1);
    Model two = b.output(b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32,
        new int[] {1, 2, 2, 1}, x1, x2)).build();
    assertMessage(() -> DatasetSpec.parse(d.toString(), two), "A data folder (" + d + ") can only feed a model with "
        + "one input; this model has 'a' float32[1, 2, 2, 1], 'b' float32[1, 2, 2, 1]");

    Path npy = dir.resolve("x.npy");
    Npy.write(TensorValue.ofFloats(Shape.of(1, 2, 2, 1), new float[4]), npy);
    assertMessage(() -> DatasetSpec.parse(npy.toString(), floatImage(1, 2, 2, 1), ImagePreprocessing.DEFAULTS, null),
        "--scale, --mean and --std apply to images, but --data " + npy + " holds arrays");
    assertMessage(() -> DatasetSpec.parse(dir.resolve("nothing").toString(), floatImage(1, 2, 2, 1)),
        "no such file or folder; give a .npy file");
  }

  @Test
  void aFolderOfThousandsOfImagesIsReadOneFileAtATime() throws IOException {
    Path d = Files.createDirectories(dir.resolve("many"));
    int n = 2500;
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setSample(0, 0, 0, i % 251);
      img.getRaster().setSample(2, 2, 0, i / 251);
      ImageIO.write(img, "png", d.resolve("digit_" + i + ".png").toFile());
    }
    DatasetSpec spec = DatasetSpec.parse(d.toString(), floatImage(1, 3, 3, 1));
    assertEquals(n, spec.samples());
    int i = 0;
    for (List<TensorValue> sample : spec.mainSamples()) {
      float[] v = sample.get(0).floats();
      assertEquals(i % 251, v[0], "digit_" + i + ".png comes " + i + "th");
      assertEquals(i / 251, v[8]);
      i++;
    }
    assertEquals(n, i);
  }

  @Test
  void mainSamplesAreTheSameSamplesWhicheverWayTheyAreReached() {
    Model m = floatImage(1, 3);
    DatasetSpec spec = DatasetSpec.parse("random:5", m);
    List<List<TensorValue>> list = spec.mainSamples();
    assertEquals(5, list.size());
    float[] third = list.get(3).get(0).floats();
    assertArrayEquals(third, list.get(3).get(0).floats());
    list.get(0);
    assertArrayEquals(third, list.get(3).get(0).floats());
    int i = 0;
    for (Map<String, TensorValue> s : spec.dataset().form() == RepresentativeDataset.Form.NAMED
        ? spec.dataset().named() : List.<Map<String, TensorValue>>of()) {
      assertArrayEquals(list.get(i++).get(0).floats(), s.get("x").floats());
    }
    assertEquals(5, i);
    assertNull(spec.labels());
    assertEquals("sample 2", spec.sampleName(2));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
