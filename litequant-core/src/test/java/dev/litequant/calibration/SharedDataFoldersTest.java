package dev.litequant.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.data.ImagePreprocessing;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folders on the shared test files: MNIST digit PNGs for the MNIST model, the person BMPs
 * for ResNet-8, the micro_speech WAVs for an audio input. Expected values come from reading the
 * files by hand (BMP rows, WAV samples) and from the float model recognising the digits.
 */
class SharedDataFoldersTest {
  @TempDir Path dir;

  private static Model read(String relative) {
    return ModelReader.read(ModelFiles.readBytes(SharedModels.path(relative), "model"));
  }

  @Test
  void mnistDigitsLoadInNaturalOrderWithTheirLabelsAndTheModelRecognisesThem() throws IOException {
    Model model = read("ai-edge-quantizer/conv_fc_mnist.tflite");
    Path images = SharedModels.path("ai-edge-quantizer/mnist_images");
    // Natural order: resized9.png, then sample0.png .. sample9.png.
    Path labels = dir.resolve("digits.txt");
    Files.writeString(labels, "# resized9.png\n9\n\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9  # sample9.png\n");
    DatasetSpec spec = DatasetSpec.parse(images.toString(), model,
        new ImagePreprocessing(1 / 255f, new float[] {0}, new float[] {1}), labels);

    assertEquals(11, spec.samples());
    assertEquals("11 images from mnist_images", spec.description());
    assertArrayEquals(new int[] {9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, spec.labels());
    assertTrue(spec.sampleName(0).endsWith("resized9.png"), spec.sampleName(0));
    assertTrue(spec.sampleName(1).endsWith("sample0.png"), spec.sampleName(1));
    assertTrue(spec.sampleName(10).endsWith("sample9.png"), spec.sampleName(10));

    Interpreter it = Interpreter.create(model);
    List<List<TensorValue>> samples = spec.mainSamples();
    assertEquals(11, samples.size());
    int right = 0;
    for (int i = 0; i < samples.size(); i++) {
      TensorValue x = samples.get(i).get(0);
      assertEquals(Shape.of(1, 28, 28, 1), x.shape());
      for (float v : x.floats()) {
        assertTrue(v >= 0 && v <= 1, "scaled to 0..1: " + v);
      }
      it.setInput(0, x);
      it.invoke();
      float[] scores = it.getOutput(0).floats();
      if (i > 0) {
        // The 28x28 digits are fed as they are; the float model knows each one (resized9.png, a
        // 10x10 image blown up, is a near tie between 4 and 9, so it proves nothing either way).
        assertEquals(spec.labels()[i], argmax(scores), spec.sampleName(i));
      }
    }
  }

  @Test
  void personBitmapsFeedResNetAsGreyReplicatedToRgbAtRawPixelValues() throws IOException {
    Model model = read("mlcommons-tiny/image_classification/pretrainedResnet.tflite");
    Path folder = SharedModels.path("tflite-micro/person_detection/testdata");
    DatasetSpec spec = DatasetSpec.parse(folder.toString(), model);
    assertEquals(2, spec.samples());
    assertEquals(null, spec.labels());
    String[] names = {"no_person.bmp", "person.bmp"};
    for (int i = 0; i < 2; i++) {
      assertTrue(spec.sampleName(i).endsWith(names[i]), spec.sampleName(i));
      int[][] grey = greyBitmap(folder.resolve(names[i]));
      TensorValue x = spec.mainSamples().get(i).get(0);
      assertEquals(Shape.of(1, 32, 32, 3), x.shape());
      float[] v = x.floats();
      // 96 -> 32 is a factor of 3: with half-pixel centres each output pixel lands exactly on the
      // centre pixel (3y + 1, 3x + 1) of its 3x3 block.
      for (int y = 0; y < 32; y++) {
        for (int xx = 0; xx < 32; xx++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(grey[3 * y + 1][3 * xx + 1], v[(y * 32 + xx) * 3 + c], names[i] + " at " + y + "," + xx);
          }
        }
      }
    }
  }

  /** An 8-bit palette BMP with a grey palette, read by hand: rows bottom-up, BGR0 palette. */
  private static int[][] greyBitmap(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int pixels = b.getInt(10);
    int header = b.getInt(14);
    int w = b.getInt(18);
    int h = b.getInt(22);
    assertEquals(8, b.getShort(28), "8 bits per pixel");
    int stride = (w + 3) / 4 * 4;
    int[][] out = new int[h][w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int index = b.get(pixels + (h - 1 - y) * stride + x) & 0xFF;
        int entry = 14 + header + 4 * index;
        int blue = b.get(entry) & 0xFF;
        assertEquals(blue, b.get(entry + 1) & 0xFF, "grey palette");
        assertEquals(blue, b.get(entry + 2) & 0xFF, "grey palette");
        out[y][x] = blue;
      }
    }
    return out;
  }

  @Test
  void microSpeechWavsFeedAFloatAudioInputPaddedWithZeros() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("audio", DataType.FLOAT32, 1, 16000);
    Model model = b.output(b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {1, 16000}, x))
        .build();
    Path folder = SharedModels.path("tflite-micro/micro_speech/testdata");
    DatasetSpec spec = DatasetSpec.parse(folder.toString(), model);
    assertEquals(6, spec.samples());
    assertEquals("6 WAV files from testdata", spec.description());
    assertEquals(List.of("2 of 6 WAV files are shorter than the input's 16000 samples and are padded with zeros at "
        + "the end."), spec.warnings());
    String[] names = {"no_30ms.wav", "no_1000ms.wav", "noise_1000ms.wav", "silence_1000ms.wav", "yes_30ms.wav",
        "yes_1000ms.wav"};
    for (int i = 0; i < 6; i++) {
      assertTrue(spec.sampleName(i).endsWith(names[i]), spec.sampleName(i) + " is " + names[i]);
      short[] pcm = pcm(folder.resolve(names[i]));
      float[] expected = new float[16000];
      for (int k = 0; k < pcm.length; k++) {
        expected[k] = pcm[k] / 32768f;
      }
      TensorValue v = spec.mainSamples().get(i).get(0);
      assertEquals(Shape.of(1, 16000), v.shape());
      assertArrayEquals(expected, v.floats(), names[i]);
    }
    assertEquals(480, pcm(folder.resolve("yes_30ms.wav")).length);

    ModelBuilder raw = new ModelBuilder();
    Tensor r = raw.input("pcm", DataType.INT16, 16000);
    Model rawModel = raw.output(r).build();
    TensorValue first = DatasetSpec.parse(folder.toString(), rawModel).mainSamples().get(5).get(0);
    short[] expected = pcm(folder.resolve("yes_1000ms.wav"));
    assertArrayEquals(expected, first.shorts(), "int16 inputs take the raw samples");
  }

  /** The samples of a 16-bit mono WAV file, found by walking its chunks by hand. */
  private static short[] pcm(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int at = 12;
    while (!new String(b.array(), at, 4, StandardCharsets.US_ASCII).equals("data")) {
      at += 8 + b.getInt(at + 4);
    }
    short[] out = new short[b.getInt(at + 4) / 2];
    b.position(at + 8);
    b.asShortBuffer().get(out);
    return out;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
