package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.data.Npy;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litequant quantize}: the README's demo on the project's own example gives an int8 model
 * that computes sine in TensorFlow Lite 2.6.2; the data forms and options work; every bad input
 * ends with exit code 2, one clean message and no output file.
 */
class QuantizeCommandTest {
  private static final Path SINE = Path.of("..", "examples", "sine_float.tflite");
  private static final Path SINE_DATA = Path.of("..", "examples", "sine_calibration.npy");

  @TempDir Path dir;

  // --- The main job ------------------------------------------------------------------------------

  @Test
  void theReadmeDemoGivesAnInt8ModelThatComputesSineInTensorFlowLite() throws IOException {
    Path out = dir.resolve("sine_int8.tflite");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "int8-only", "--data", SINE_DATA.toString(),
        "--input-type", "int8", "--output-type", "int8", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("integer only, int8 inputs, int8 outputs"), r.out());
    assertTrue(r.out().contains("operators: 3 int8, 0 float"), r.out());
    assertTrue(r.out().contains("calibration on 300 samples from sine_calibration.npy"), r.out());
    assertTrue(r.err().contains("calibrating: 300/300"), "progress on stderr: " + r.err());

    byte[] bytes = Files.readAllBytes(out);
    Model q = ModelReader.read(bytes);
    Tensor in = q.mainSubgraph().inputs().get(0);
    Tensor y = q.mainSubgraph().outputs().get(0);
    assertEquals(DataType.INT8, in.type());
    assertEquals(DataType.INT8, y.type());
    float worst = 0;
    for (int i = 0; i <= 40; i++) {
      float x = (float) (2 * Math.PI * i / 40);
      byte code = quantize(x, in.quantization());
      byte[] result = TfLiteOracle.run(bytes, List.of(new byte[] {code})).get(0);
      float value = y.quantization().scale() * (result[0] - y.quantization().zeroPoint());
      worst = Math.max(worst, Math.abs(value - (float) Math.sin(x)));
    }
    // The float model is within 0.1 of sine; int8 adds a few output steps (1/127 each).
    assertTrue(worst < 0.15f, "max |y - sin x| in 2.6.2 = " + worst);
  }

  @Test
  void floatInterfaceByDefaultAndKeepFloat() throws IOException {
    Path out = dir.resolve("q.tflite");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "int8", "--data", SINE_DATA.toString(),
        "--keep-float", "FULLY_CONNECTED", "-q", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertFalse(r.err().contains("calibrating:"), "--quiet shows no progress: " + r.err());
    assertTrue(r.out().contains("float FULLY_CONNECTED: kept float (--keep-float FULLY_CONNECTED)"), r.out());
    Model q = ModelReader.read(out);
    assertEquals(DataType.FLOAT32, q.mainSubgraph().inputs().get(0).type());
    byte[] x = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).array();
    assertArrayEquals(TfLiteOracle.run(Files.readAllBytes(SINE), List.of(x)).get(0),
        TfLiteOracle.run(Files.readAllBytes(out), List.of(x)).get(0), "every operator kept float computes the same");
  }

  @Test
  void float16NeedsNoDataAndComputesNearlyTheSame() throws IOException {
    Path out = dir.resolve("sine_fp16.tflite");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "float16", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("(float16 weights, float32 inputs, float32 outputs)"), r.out());
    assertTrue(r.out().contains("operators: 3 with float16 weights, 0 float"), r.out());
    assertFalse(r.err().contains("calibrating"), r.err());
    for (float x : new float[] {0.3f, 1.7f, 4.2f}) {
      byte[] in = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).array();
      float expected = ByteBuffer.wrap(TfLiteOracle.run(Files.readAllBytes(SINE), List.of(in)).get(0))
          .order(ByteOrder.LITTLE_ENDIAN).getFloat();
      float actual = ByteBuffer.wrap(TfLiteOracle.run(Files.readAllBytes(out), List.of(in)).get(0))
          .order(ByteOrder.LITTLE_ENDIAN).getFloat();
      assertEquals(expected, actual, 0.01f, "sine(" + x + ") with float16 weights");
    }
  }

  @Test
  void npzDataIsKeyedByInputName() throws IOException {
    Model m = twoInputs();
    Path model = dir.resolve("two_inputs.tflite");
    Files.write(model, ModelWriter.write(m));
    Random rnd = new Random(1);
    Path npz = npz("calib.npz", Map.of("a", random(rnd, 20, 4), "b", random(rnd, 20, 4)));
    Path out = dir.resolve("q.tflite");
    CliRunner r = CliRunner.run("quantize", model.toString(), "--mode", "int8-only", "--data", npz.toString(), "-o",
        out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("20 samples"), r.out());
    byte[] bytes = Files.readAllBytes(out);
    List<byte[]> ran = TfLiteOracle.run(bytes, List.of(random(rnd, 1, 4).toBytes(), random(rnd, 1, 4).toBytes()));
    assertEquals(16, ran.get(0).length, "float32 [1, 4] output");
  }

  @Test
  void helpTeachesTheModesAndTheDataForms() {
    CliRunner r = CliRunner.run("quantize", "--help");
    assertEquals(0, r.exitCode(), r.err());
    for (String s : List.of("int8-only", "--keep-float", "FILE.npz", "random:N", "Examples:", "--input-type")) {
      assertTrue(r.out().contains(s), "help mentions " + s + ":\n" + r.out());
    }
  }

  // --- Bad inputs: exit code 2, one clean message, no output file ----------------------------------

  @Test
  void missingDataIsAUserError() {
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8"), "needs a representative data set");
  }

  @Test
  void unknownModeAndIoTypeAreUserErrors() {
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int4", "--data", "random:4"),
        "--mode int4 is not a mode");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8", "--data", "random:4", "--input-type",
        "int4"), "--input-type int4 is not a type");
  }

  @Test
  void optionsThatDoNotFitTheModeAreRefused() {
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "float16", "--data", "random:4"),
        "--mode float16 quantizes weights only and takes no representative data set");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "dynamic", "--output-type", "int8"),
        "--mode dynamic keeps float activations");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "16x8", "--data", "random:4", "--input-type",
        "uint8"), "--input-type uint8 does not fit 16x8 activations");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8", "--data", "random:4", "--input-type",
        "int16"), "--input-type int16 needs int16 activations");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8", "--data", "random:4", "--bias", "int32"),
        "--bias chooses the bias type of 16x8 models");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "16x8", "--data", "random:4", "--bias", "int32"),
        "--bias int32: TensorFlow Lite's 16x8 kernels take int64 biases only");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "16x8", "--data", "random:4",
        "--per-channel-dense"), "16x8 FULLY_CONNECTED computes per-channel weights as zeros");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "float16", "--min-weight-elements", "10"),
        "--min-weight-elements applies to --mode dynamic only");
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "float16", "--per-channel-dense"),
        "--per-channel-dense chooses how int8 weights are scaled");
    CliRunner r = assertUserError(List.of("quantize", SINE.toString(), "--mode", "16x8", "--data", "random:4",
        "--input-type", "uint8"), "uint8");
    assertFalse(r.err().contains("calibrating on"), "refused before any calibration message: " + r.err());
  }

  @Test
  void nanOnlyTensorsAreRefused() throws IOException {
    float[] nan = new float[10];
    Arrays.fill(nan, Float.NaN);
    Path data = npy("nan.npy", TensorValue.ofFloats(Shape.of(10, 1), nan));
    assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8", "--data", data.toString()), "'x'");
  }

  @Test
  void wronglyShapedDataNamesTheShapes() throws IOException {
    Path data = npy("bad.npy", random(new Random(2), 10, 3));
    CliRunner r = assertUserError(List.of("quantize", SINE.toString(), "--mode", "int8", "--data", data.toString()),
        "[10, 3]");
    assertTrue(r.err().contains("[1, 1]"), "names the input's shape: " + r.err());
  }

  @Test
  void integerOnlyRefusalNamesTheOperatorAndLeavesNoFile() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
    Tensor e = b.apply(BuiltinOperator.EXP, null, "e", DataType.FLOAT32, new int[] {1, 4}, x);
    Path model = dir.resolve("exp.tflite");
    Files.write(model, ModelWriter.write(b.output(e).signature("serving_default").build()));
    assertUserError(List.of("quantize", model.toString(), "--mode", "int8-only", "--data", "random:4"),
        "operator 0 (EXP)");
  }

  @Test
  void aFailedRunKeepsAnExistingOutputFile() throws IOException {
    Path out = dir.resolve("q.tflite");
    Files.writeString(out, "previous result");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "int8", "--data", "missing.npy", "-o",
        out.toString());
    assertTrue(r.isCleanUserError(), r.err());
    assertEquals("previous result", Files.readString(out));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void aCorruptModelIsAUserError() throws IOException {
    Path model = dir.resolve("truncated.tflite");
    byte[] bytes = Files.readAllBytes(SINE);
    Files.write(model, Arrays.copyOf(bytes, bytes.length / 2));
    assertUserError(List.of("quantize", model.toString(), "--mode", "int8", "--data", "random:4"), "truncated");
  }

  private CliRunner assertUserError(List<String> args, String expected) {
    Path out = dir.resolve("out.tflite");
    String[] all = Stream.concat(args.stream(), Stream.of("-o", out.toString())).toArray(String[]::new);
    CliRunner r = CliRunner.run(all);
    assertTrue(r.isCleanUserError(), "exit " + r.exitCode() + ": " + r.err());
    assertTrue(r.err().contains(expected), "the message names " + expected + ": " + r.err());
    assertFalse(Files.exists(out), "no output file after an error");
    return r;
  }

  private static Model twoInputs() {
    ModelBuilder b = new ModelBuilder();
    Tensor a = b.input("a", DataType.FLOAT32, 1, 4);
    Tensor c = b.input("b", DataType.FLOAT32, 1, 4);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 4}, a, c);
    return b.output(y).signature("serving_default").build();
  }

  private static byte quantize(float x, Quantization q) {
    long v = Math.round(x / q.scale()) + q.zeroPoint();
    return (byte) Math.max(-128, Math.min(127, v));
  }

  private static TensorValue random(Random rnd, int... shape) {
    Shape s = Shape.of(shape);
    float[] v = new float[(int) s.elementCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextFloat() * 2 - 1;
    }
    return TensorValue.ofFloats(s, v);
  }

  private Path npy(String name, TensorValue v) {
    Path p = dir.resolve(name);
    Npy.write(v, p);
    return p;
  }

  private Path npz(String name, Map<String, TensorValue> arrays) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, TensorValue> e : arrays.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
        zip.write(Npy.toBytes(e.getValue()));
        zip.closeEntry();
      }
    }
    return p;
  }
}
