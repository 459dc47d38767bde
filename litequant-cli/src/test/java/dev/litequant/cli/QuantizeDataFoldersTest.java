package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.calibration.DatasetSpec;
import dev.litequant.data.ImagePreprocessing;
import dev.litequant.data.WavWriter;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litequant quantize --data DIR}: the MNIST digit PNGs calibrate the MNIST model into an
 * int8 model that TensorFlow Lite runs and that still recognises the digits; the data options and
 * their mistakes.
 */
class QuantizeDataFoldersTest {
  @TempDir Path dir;

  @Test
  void mnistDigitFolderCalibratesAnInt8ModelThatStillRecognisesTheDigits() throws IOException {
    Path model = SharedModels.path("ai-edge-quantizer/conv_fc_mnist.tflite");
    Path images = SharedModels.path("ai-edge-quantizer/mnist_images");
    Path out = dir.resolve("mnist_int8.tflite");
    CliRunner r = CliRunner.run("quantize", model.toString(), "--mode", "int8", "--data", images + "/", "--scale",
        "0.00392156862745098", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("calibration on 11 images from mnist_images"), r.out());
    assertTrue(r.err().contains("calibrating: 11/11"), r.err());
    assertTrue(r.out().contains("operators: 6 int8, 0 float"), r.out());

    byte[] bytes = Files.readAllBytes(out);
    Model q = ModelReader.read(bytes);
    DatasetSpec digits = DatasetSpec.parse(images.toString(), q, new ImagePreprocessing(1 / 255f, new float[] {0},
        new float[] {1}), null);
    // Natural order: resized9.png (a blown-up 10x10 image, a near tie in the float model), then
    // sample0.png .. sample9.png, whose file number is the digit.
    for (int digit = 0; digit <= 9; digit++) {
      TensorValue x = digits.mainSamples().get(digit + 1).get(0);
      assertTrue(digits.sampleName(digit + 1).endsWith("sample" + digit + ".png"), digits.sampleName(digit + 1));
      byte[] scores = TfLiteOracle.run(bytes, List.of(x.toBytes())).get(0);
      assertEquals(digit, argmax(scores), "TensorFlow Lite on the int8 model, sample" + digit + ".png");
    }

    Path again = dir.resolve("fraction.tflite");
    CliRunner f = CliRunner.run("quantize", model.toString(), "--mode", "int8", "--data", images.toString(),
        "--scale", "1/255", "-q", "-o", again.toString());
    assertEquals(0, f.exitCode(), f.err());
    assertArrayEquals(bytes, Files.readAllBytes(again), "--scale 1/255 is 0.00392156862745098");
  }

  private static int argmax(byte[] float32s) {
    ByteBuffer b = ByteBuffer.wrap(float32s).order(ByteOrder.LITTLE_ENDIAN);
    int best = 0;
    for (int i = 1; i < float32s.length / 4; i++) {
      if (b.getFloat(4 * i) > b.getFloat(4 * best)) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void wavWarningsArePrinted() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("audio", DataType.FLOAT32, 1, 8);
    Path model = dir.resolve("audio.tflite");
    Files.write(model, ModelWriter.write(b.output(b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32,
        new int[] {1, 8}, x)).signature("serving_default").build()));
    Path clips = Files.createDirectories(dir.resolve("clips"));
    WavWriter.pcm16(clips.resolve("a.wav"), (short) 100, (short) -100);
    WavWriter.pcm16(clips.resolve("b.wav"), new short[8]);
    CliRunner r = CliRunner.run("quantize", model.toString(), "--mode", "int8", "--data", clips.toString(), "-o",
        dir.resolve("q.tflite").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("litequant: warning: 1 of 2 WAV files are shorter than the input's 8 samples and "
        + "are padded with zeros at the end."), r.err());
    assertTrue(r.out().contains("calibration on 2 WAV files from clips"), r.out());
  }

  @Test
  void helpTeachesTheFoldersThePreprocessingAndTheLabels() {
    CliRunner r = CliRunner.run("quantize", "--help");
    assertEquals(0, r.exitCode(), r.err());
    for (String s : List.of("DIR/CLASS/", ".png .jpg .jpeg .bmp", "16-bit PCM mono WAV", "BT.601", "bilinear",
        "centre H x W", "(v * SCALE - MEAN[c]) / STD[c]", "Default 1: raw 0..255 values", "labels.txt",
        "--data mnist_images/ --scale 1/255", "natural name order")) {
      assertTrue(r.out().contains(s), "help mentions " + s + ":\n" + r.out());
    }
    for (String line : r.out().split("\n")) {
      assertTrue(line.length() <= 80, "fits 80 columns: " + line);
    }
  }

  @Test
  void dataMistakesAreUserErrors() throws IOException {
    Path model = SharedModels.path("ai-edge-quantizer/conv_fc_mnist.tflite");
    Path images = SharedModels.path("ai-edge-quantizer/mnist_images");
    Path labels = Files.writeString(dir.resolve("labels.txt"), "0\n1\n2\n");
    assertUserError("Labels file " + labels + " holds 3 labels, but " + images + " holds 11 samples", "quantize",
        model.toString(), "--mode", "int8", "--data", images.toString(), "--labels", labels.toString());
    assertUserError("--mean 1.0,2.0 has 2 values, but input 'conv2d_input' [1, 28, 28, 1] has 1 channel",
        "quantize", model.toString(), "--mode", "int8", "--data", images.toString(), "--mean", "1,2");
    assertUserError("Invalid value for option '--scale': 'abc' is not a number", "quantize", model.toString(),
        "--mode", "int8", "--data", images.toString(), "--scale", "abc");
    assertUserError("--scale, --mean and --std describe the data set, but no --data was given", "quantize",
        model.toString(), "--mode", "int8", "--scale", "2");
    assertUserError("--labels describe the data set, but no --data was given", "quantize", model.toString(),
        "--mode", "int8", "--labels", labels.toString());
    assertUserError("--scale, --mean and --std apply to images, but --data random:4 holds arrays made up",
        "quantize", model.toString(), "--mode", "int8", "--data", "random:4", "--std", "2");
    Path stray = Files.createDirectories(dir.resolve("stray"));
    Files.copy(images.resolve("sample3.png"), stray.resolve("3.png"));
    Files.writeString(stray.resolve("notes.md"), "# calibration digits\n");
    assertUserError("holds notes.md, which is neither an image", "quantize", model.toString(), "--mode", "int8",
        "--data", stray.toString());
  }

  private void assertUserError(String expected, String... args) {
    Path out = dir.resolve("out.tflite");
    String[] all = Stream.concat(Stream.of(args), Stream.of("-o", out.toString())).toArray(String[]::new);
    CliRunner r = CliRunner.run(all);
    assertTrue(r.isCleanUserError(), "exit " + r.exitCode() + ": " + r.err());
    assertTrue(r.err().contains(expected), "the message names " + expected + ": " + r.err());
    assertFalse(Files.exists(out), "no output file after an error");
  }
}
