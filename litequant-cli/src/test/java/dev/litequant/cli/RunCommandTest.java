package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.data.Npy;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.LstmSpec;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litequant run}: outputs written for shared and built models agree with TensorFlow Lite
 * 2.6.2 run on each sample, and every bad input ends with exit code 2, one clean message and no
 * output files.
 */
class RunCommandTest {
  private static final double TOLERANCE = 1e-5;
  private static final String HELLO_WORLD = "tflite-micro/history/hello_world_no_quant.tflite";
  private static final String SINGLE_ADD = "ai-edge-quantizer/single_add.tflite";

  @TempDir Path dir;

  // --- Outputs agree with TensorFlow Lite ---------------------------------------------------------

  @Test
  void runsSeveralSamplesOfHelloWorld() throws IOException {
    Path model = SharedModels.path(HELLO_WORLD);
    float[] x = {0f, 0.5f, 1.2f, 2f, 3.1f, 4.4f, 6.2f};
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(x.length, 1), x));
    CliRunner r = CliRunner.run("run", model.toString(), "--input", in.toString(), "--output-dir", out().toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Ran 7 samples") && r.out().contains("output_0.npy"), r.out());
    assertTrue(r.out().contains("[7, 1]"), r.out());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    assertEquals(Shape.of(7, 1), y.shape());
    byte[] bytes = Files.readAllBytes(model);
    Expected expected = new Expected(1);
    for (int i = 0; i < x.length; i++) {
      expected.add(TfLiteOracle.run(bytes, List.of(TensorValue.ofFloats(Shape.of(1, 1), x[i]).toBytes())));
    }
    assertClose(expected.output(0), y.floats(), "hello_world, 7 samples");
  }

  @Test
  void aFileWithTheInputsElementCountIsOneSample() throws IOException {
    Path model = SharedModels.path(HELLO_WORLD);
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.scalar(), 1.5f));
    CliRunner r = CliRunner.run("run", model.toString(), "--input", "dense_2_input=" + in, "--output-dir",
        out().toString());
    assertEquals(0, r.exitCode(), r.err());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    assertEquals(Shape.of(1, 1), y.shape(), "one sample keeps the output's own shape");
    List<byte[]> expected = TfLiteOracle.run(Files.readAllBytes(model),
        List.of(TensorValue.ofFloats(Shape.of(1, 1), 1.5f).toBytes()));
    assertClose(floats(expected.get(0)), y.floats(), "hello_world, one scalar sample");
  }

  @Test
  void runsTwoNamedInputsWithStackedSamples() throws IOException {
    Path model = SharedModels.path(SINGLE_ADD);
    Random rnd = new Random(3);
    TensorValue a = random(rnd, 3, 1, 32, 32);
    TensorValue b = random(rnd, 3, 32, 32);
    CliRunner r = CliRunner.run("run", model.toString(), "--input", "input_2=" + npy("b.npy", b), "--input",
        "input_1=" + npy("a.npy", a), "--output-dir", out().toString());
    assertEquals(0, r.exitCode(), r.err());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    assertEquals(Shape.of(3, 32, 32), y.shape(), "a [1, 32, 32] output stacks to [3, 32, 32]");
    byte[] bytes = Files.readAllBytes(model);
    Expected expected = new Expected(1);
    for (int i = 0; i < 3; i++) {
      expected.add(TfLiteOracle.run(bytes, List.of(slice(a, i, 1024), slice(b, i, 1024))));
    }
    assertClose(expected.output(0), y.floats(), "single_add, 3 samples");
  }

  @Test
  void writesBoolOutputsAsBool() throws IOException {
    Path model = SharedModels.path("ai-edge-quantizer/single_equal.tflite");
    TensorValue a = TensorValue.ofFloats(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
    TensorValue b = TensorValue.ofFloats(Shape.of(2, 3), 1, 0, 3, 0, 5, 0);
    CliRunner r = CliRunner.run("run", model.toString(), "--input", "input1=" + npy("a.npy", a), "--input",
        "input2=" + npy("b.npy", b), "--output-dir", out().toString());
    assertEquals(0, r.exitCode(), r.err());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    assertEquals(DataType.BOOL, y.type());
    List<byte[]> expected = TfLiteOracle.run(Files.readAllBytes(model), List.of(a.toBytes(), b.toBytes()));
    assertTrue(Arrays.equals(expected.get(0), y.bytes()), "bool output differs from TensorFlow Lite");
  }

  /**
   * The 'multiply' signature runs subgraph 1. TensorFlow Lite 2.6.2's Java runSignature invokes
   * subgraph 0 whatever the key, so the oracle runs a copy of the model with the two subgraphs
   * swapped, where 'multiply' is the main subgraph.
   */
  @Test
  void runsASignature() throws IOException {
    Path model = SharedModels.path("ai-edge-quantizer/two_signatures.tflite");
    TensorValue x = TensorValue.ofFloats(Shape.of(4, 1), 1.5f, -2f, 0f, 7f);
    CliRunner r = CliRunner.run("run", model.toString(), "--signature", "multiply", "--input",
        npy("x.npy", x).toString(), "--output-dir", out().toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("'multiply_result'"), r.out());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    assertEquals(Shape.of(4), y.shape());
    Model swapped = ModelReader.read(model);
    Collections.swap(swapped.subgraphs(), 0, 1);
    assertEquals("multiply", swapped.mainSubgraph().name());
    byte[] bytes = ModelWriter.write(swapped);
    Expected expected = new Expected(1);
    for (int i = 0; i < 4; i++) {
      expected.add(TfLiteOracle.run(bytes, List.of(TensorValue.ofFloats(Shape.of(1), x.floats()[i]).toBytes())));
    }
    assertClose(expected.output(0), y.floats(), "two_signatures 'multiply', 4 samples");
  }

  @Test
  void writesEveryOutputOfAModelWithSeveral() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
    Tensor w = b.constant("w", new float[] {0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 3f}, 2, 4);
    Tensor h = b.apply(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), "h", DataType.FLOAT32,
        new int[] {1, 2}, x, w, null);
    Tensor c = b.constant("c", new float[] {1f, -1f}, 2);
    Tensor y = b.apply(BuiltinOperator.MUL, Table.of("MulOptions"), "y", DataType.FLOAT32, new int[] {1, 2}, h, c);
    Model m = b.output(y, h).signature("serving_default").build();
    Path model = dir.resolve("two_outputs.tflite");
    Files.write(model, ModelWriter.write(m));
    Random rnd = new Random(9);
    TensorValue in = random(rnd, 5, 4);
    CliRunner r = CliRunner.run("run", model.toString(), "--input", "x=" + npy("x.npy", in), "--output-dir",
        out().toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Wrote 2 outputs"), r.out());
    TensorValue y0 = Npy.read(out().resolve("output_0.npy"));
    TensorValue y1 = Npy.read(out().resolve("output_1.npy"));
    assertEquals(Shape.of(5, 2), y0.shape());
    assertEquals(Shape.of(5, 2), y1.shape());
    byte[] bytes = Files.readAllBytes(model);
    Expected expected = new Expected(2);
    for (int i = 0; i < 5; i++) {
      expected.add(TfLiteOracle.run(bytes, List.of(slice(in, i, 4))));
    }
    assertClose(expected.output(0), y0.floats(), "two outputs, output 0");
    assertClose(expected.output(1), y1.floats(), "two outputs, output 1");
  }

  /** Each sample starts from the LSTM's initial state, as a fresh TensorFlow Lite interpreter does. */
  @Test
  void resetsLstmStateBeforeEverySample() throws IOException {
    LstmSpec spec = new LstmSpec().batch(1).time(5).peephole(true);
    Path model = dir.resolve("lstm.tflite");
    Files.write(model, ModelWriter.write(spec.build()));
    int[] shape = spec.inputShape();
    int size = shape[0] * shape[1] * shape[2];
    TensorValue in = random(new Random(4), 4, shape[0], shape[1], shape[2]);
    CliRunner r = CliRunner.run("run", model.toString(), "--input", npy("x.npy", in).toString(), "--output-dir",
        out().toString());
    assertEquals(0, r.exitCode(), r.err());
    TensorValue y = Npy.read(out().resolve("output_0.npy"));
    byte[] bytes = Files.readAllBytes(model);
    Expected expected = new Expected(1);
    for (int i = 0; i < 4; i++) {
      expected.add(TfLiteOracle.run(bytes, List.of(slice(in, i, size))));
    }
    assertEquals(4 * spec.outputShape()[0] * spec.outputShape()[1] * spec.outputShape()[2], y.size());
    assertClose(expected.output(0), y.floats(), "LSTM, 4 samples");
  }

  @Test
  void helpTeachesWithExamples() {
    CliRunner r = CliRunner.run("run", "--help");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Examples:") && r.out().contains("--input") && r.out().contains("--output-dir")
        && r.out().contains("[N, 28, 28, 1]"), r.out());
  }

  // --- Bad inputs: exit code 2, one clean message, no output files ---------------------------------

  @Test
  void refusesUnknownInputNames() throws IOException {
    Path in = npy("a.npy", TensorValue.ofFloats(Shape.of(1, 32, 32), new float[1024]));
    CliRunner r = refused("run", SharedModels.path(SINGLE_ADD).toString(), "--input", "nope=" + in, "--input",
        "input_2=" + in, "--output-dir", out().toString());
    assertTrue(r.err().contains("'nope'") && r.err().contains("'input_1'"), r.err());
  }

  @Test
  void refusesMissingInputs() throws IOException {
    Path in = npy("a.npy", TensorValue.ofFloats(Shape.of(1, 32, 32), new float[1024]));
    CliRunner r = refused("run", SharedModels.path(SINGLE_ADD).toString(), "--input", "input_1=" + in,
        "--output-dir", out().toString());
    assertTrue(r.err().contains("'input_2'"), r.err());
  }

  @Test
  void refusesAPlainFileForSeveralInputs() throws IOException {
    Path in = npy("a.npy", TensorValue.ofFloats(Shape.of(1, 32, 32), new float[1024]));
    CliRunner r = refused("run", SharedModels.path(SINGLE_ADD).toString(), "--input", in.toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("NAME=FILE.npy"), r.err());
  }

  @Test
  void refusesAnInputGivenTwice() throws IOException {
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(1, 1), 1f));
    CliRunner r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", in.toString(), "--input",
        "dense_2_input=" + in, "--output-dir", out().toString());
    assertTrue(r.err().contains("twice"), r.err());
  }

  @Test
  void refusesTheWrongDtype() throws IOException {
    Path in = npy("x.npy", TensorValue.ofInts(Shape.of(1, 1), 1));
    CliRunner r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", in.toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("takes float32") && r.err().contains("int32"), r.err());
  }

  @Test
  void refusesFloat64Files() throws IOException {
    // A float64 .npy file as NumPy writes it (np.save of np.array([1.0, 2.0])).
    byte[] f64 = java.util.Base64.getDecoder().decode("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBG"
        + "YWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg"
        + "ICAgIAoAAAAAAADwPwAAAAAAAABA");
    Path in = dir.resolve("x64.npy");
    Files.write(in, f64);
    CliRunner r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", in.toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("float64") && r.err().contains("float32") && r.err().contains(in.toString()),
        r.err());
  }

  @Test
  void refusesTheWrongShape() throws IOException {
    Path in = npy("a.npy", TensorValue.ofFloats(Shape.of(3, 5), new float[15]));
    CliRunner r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", in.toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("[3, 5]") && r.err().contains("[1, 1]"), r.err());
  }

  @Test
  void refusesTruncatedAndBadFiles() throws IOException {
    byte[] good = Npy.toBytes(TensorValue.ofFloats(Shape.of(4, 1), 1, 2, 3, 4));
    Path truncated = dir.resolve("truncated.npy");
    Files.write(truncated, Arrays.copyOf(good, good.length - 2));
    CliRunner r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", truncated.toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("truncated") && r.err().contains(truncated.toString()), r.err());
    Path bad = dir.resolve("bad.npy");
    Files.writeString(bad, "x,y\n1,2\n");
    r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", bad.toString(), "--output-dir",
        out().toString());
    assertTrue(r.err().contains("not a NumPy .npy file"), r.err());
    r = refused("run", SharedModels.path(HELLO_WORLD).toString(), "--input", dir.resolve("missing.npy").toString(),
        "--output-dir", out().toString());
    assertTrue(r.err().contains("does not exist"), r.err());
  }

  @Test
  void refusesDifferentSampleCounts() throws IOException {
    Path a = npy("a.npy", TensorValue.ofFloats(Shape.of(3, 32, 32), new float[3 * 1024]));
    Path b = npy("b.npy", TensorValue.ofFloats(Shape.of(2, 32, 32), new float[2 * 1024]));
    CliRunner r = refused("run", SharedModels.path(SINGLE_ADD).toString(), "--input", "input_1=" + a, "--input",
        "input_2=" + b, "--output-dir", out().toString());
    assertTrue(r.err().contains("different numbers of samples"), r.err());
  }

  @Test
  void refusesUnsupportedOperators() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
    Tensor y = b.tensor("y", DataType.FLOAT32, 1, 4);
    b.subgraph().operators().add(Operator.custom("MyCustomOp").addInput(x).addOutput(y));
    Path model = dir.resolve("custom.tflite");
    Files.write(model, ModelWriter.write(b.output(y).build()));
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(1, 4), new float[4]));
    CliRunner r = refused("run", model.toString(), "--input", in.toString(), "--output-dir", out().toString());
    assertTrue(r.err().contains("cannot run") && r.err().contains("MyCustomOp"), r.err());
  }

  @Test
  void refusesAnUnknownSignature() throws IOException {
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(1), 1f));
    CliRunner r = refused("run", SharedModels.path("ai-edge-quantizer/two_signatures.tflite").toString(),
        "--signature", "divide", "--input", in.toString(), "--output-dir", out().toString());
    assertTrue(r.err().contains("'divide'") && r.err().contains("multiply"), r.err());
  }

  @Test
  void refusesAnOutputDirThatIsAFile() throws IOException {
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(1, 1), 1f));
    Path file = dir.resolve("file");
    Files.writeString(file, "not a directory");
    CliRunner r = CliRunner.run("run", SharedModels.path(HELLO_WORLD).toString(), "--input", in.toString(),
        "--output-dir", file.toString());
    assertTrue(r.isCleanUserError(), r.err());
    assertEquals("not a directory", Files.readString(file));
  }

  @Test
  void leavesNoOutputsWhenAWriteFails() throws IOException {
    Model m = twoOutputModel();
    Path model = dir.resolve("two.tflite");
    Files.write(model, ModelWriter.write(m));
    Path in = npy("x.npy", TensorValue.ofFloats(Shape.of(1, 4), 1, 2, 3, 4));
    // A non-empty directory where output_1.npy should go makes the second write fail.
    Files.createDirectories(out().resolve("output_1.npy").resolve("blocker"));
    CliRunner r = CliRunner.run("run", model.toString(), "--input", in.toString(), "--output-dir", out().toString());
    assertTrue(r.isCleanUserError(), r.err());
    assertTrue(Files.notExists(out().resolve("output_0.npy")), "output_0.npy was left behind");
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private Path out() {
    return dir.resolve("out");
  }

  private Path npy(String name, TensorValue v) {
    Path p = dir.resolve(name);
    Npy.write(v, p);
    return p;
  }

  /** Runs a command that must fail cleanly and leave no output file. */
  private CliRunner refused(String... args) throws IOException {
    CliRunner r = CliRunner.run(args);
    assertTrue(r.isCleanUserError(), () -> "expected a clean user error, got exit " + r.exitCode() + ": " + r.err());
    assertTrue(r.err().strip().lines().count() <= 2, () -> "more than a short message: " + r.err());
    if (Files.exists(out())) {
      try (Stream<Path> s = Files.list(out())) {
        assertEquals(List.of(), s.toList(), "output files were left behind");
      }
    }
    return r;
  }

  private static Model twoOutputModel() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
    Tensor y = b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {1, 4}, x);
    Tensor z = b.apply(BuiltinOperator.TANH, null, "z", DataType.FLOAT32, new int[] {1, 4}, x);
    return b.output(y, z).build();
  }

  private static TensorValue random(Random r, int... dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return TensorValue.ofFloats(Shape.of(dims), v);
  }

  /** Sample {@code i} of a stack, as raw bytes for the oracle. */
  private static byte[] slice(TensorValue stack, int i, int sampleSize) {
    float[] v = Arrays.copyOfRange(stack.floats(), i * sampleSize, (i + 1) * sampleSize);
    return TensorValue.ofFloats(Shape.of(sampleSize), v).toBytes();
  }

  /** Largest difference relative to the larger magnitude, within {@link #TOLERANCE}. */
  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double max = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    double rel = max == 0 ? 0 : diff / max;
    assertTrue(rel <= TOLERANCE, what + ": relative error " + rel + "\n expected " + Arrays.toString(expected)
        + "\n actual   " + Arrays.toString(actual));
    worst = Math.max(worst, rel);
    comparisons++;
  }

  private static double worst;
  private static int comparisons;

  @AfterAll
  static void reportWorst() {
    System.out.printf("litequant run vs TensorFlow Lite 2.6.2: %d comparisons, worst relative error %.3g%n",
        comparisons, worst);
  }

  /** Raw little-endian float32 bytes from the oracle. */
  private static float[] floats(byte[] raw) {
    return TensorValue.fromBytes(DataType.FLOAT32, Shape.of(raw.length / 4), raw).floats();
  }

  /** The oracle's float outputs for successive samples, concatenated per output as run stacks them. */
  private static final class Expected {
    private final List<List<Float>> outputs = new java.util.ArrayList<>();

    Expected(int outputs) {
      for (int i = 0; i < outputs; i++) {
        this.outputs.add(new java.util.ArrayList<>());
      }
    }

    void add(List<byte[]> sampleOutputs) {
      assertEquals(outputs.size(), sampleOutputs.size());
      for (int o = 0; o < outputs.size(); o++) {
        for (float v : floats(sampleOutputs.get(o))) {
          outputs.get(o).add(v);
        }
      }
    }

    float[] output(int o) {
      float[] v = new float[outputs.get(o).size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = outputs.get(o).get(i);
      }
      return v;
    }
  }
}
