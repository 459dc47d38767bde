package dev.litequant.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.LiteQuantException;
import dev.litequant.data.Npy;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Shape;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's data sets: each form feeds the right array to the right input (checked
 * through the calibrated input ranges, which are the arrays' own min and max), and each mistake is
 * named.
 */
class DatasetSpecTest {
  @TempDir Path dir;

  /** y = a + b, with a signature naming the inputs 'first' and 'second' (tensors 'a' and 'b'). */
  private static Model twoInputs(boolean signature) {
    ModelBuilder b = new ModelBuilder();
    Tensor a = b.input("a", DataType.FLOAT32, 1, 3);
    Tensor c = b.input("b", DataType.FLOAT32, 1, 3);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 3}, a, c);
    b.output(y);
    Model m = b.build();
    if (signature) {
      SignatureDef s = new SignatureDef("serving_default", m.mainSubgraph());
      s.inputs().put("first", a);
      s.inputs().put("second", c);
      s.outputs().put("out", y);
      m.signatures().add(s);
    }
    return m;
  }

  /** Samples k = 0..n-1 with values k*scale + offset + i (i = element index). */
  private static TensorValue stack(int n, float scale, float offset) {
    float[] v = new float[n * 3];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i / 3) * scale + offset + i % 3;
    }
    return TensorValue.ofFloats(Shape.of(n, 3), v);
  }

  private static TensorRange inputRange(Model m, DatasetSpec spec, int input) {
    CalibrationStats s = Calibrator.calibrate(m, spec.dataset(), null);
    Subgraph g = m.mainSubgraph();
    return s.range(0, g.indexOf(g.inputs().get(input)));
  }

  @Test
  void npzArraysGoToTheInputsTheyAreNamedAfter() throws IOException {
    Model m = twoInputs(true);
    Map<String, TensorValue> arrays = new LinkedHashMap<>();
    arrays.put("second", stack(5, 10, 100));
    arrays.put("first", stack(5, 1, -50));
    DatasetSpec spec = DatasetSpec.parse(npz("d.npz", arrays).toString(), m);
    assertEquals(5, spec.samples());
    assertEquals("5 samples from d.npz", spec.description());
    assertFalse(spec.isSynthetic());
    assertEquals(new TensorRange(-50f, -50f + 4 + 2, 5, 0), inputRange(m, spec, 0));
    assertEquals(new TensorRange(100f, 100f + 40 + 2, 5, 0), inputRange(m, spec, 1));
  }

  @Test
  void withoutSignaturesNpzKeysAreTensorNames() throws IOException {
    Model m = twoInputs(false);
    DatasetSpec spec = DatasetSpec.parse(npz("d.npz", Map.of("a", stack(4, 1, 0), "b", stack(4, 2, 7))).toString(), m);
    assertEquals(new TensorRange(7f, 7f + 6 + 2, 4, 0), inputRange(m, spec, 1));
  }

  @Test
  void npyStacksSamplesAlongTheFirstAxis() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 3);
    Tensor y = b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {1, 3}, x);
    Model m = b.output(y).signature("serving_default").build();
    Path file = dir.resolve("x.npy");
    Npy.write(stack(7, -3, 1), file);
    DatasetSpec spec = DatasetSpec.parse(file.toString(), m);
    assertEquals(7, spec.samples());
    assertEquals(new TensorRange(-17f, 3f, 7, 0), inputRange(m, spec, 0));
  }

  @Test
  void randomIsSyntheticAndCountsEverySignature() {
    Model m = twoInputs(true);
    DatasetSpec spec = DatasetSpec.parse("random:6", m);
    assertTrue(spec.isSynthetic());
    assertEquals(6, spec.samples());
    TensorRange r = inputRange(m, spec, 0);
    assertTrue(r.min() >= 0f && r.max() < 1f && r.samples() == 6, r.toString());
  }

  @Test
  void mainSamplesListTheInputsInTheSubgraphsOrderWithTheirLabels() throws IOException {
    ModelBuilder b = new ModelBuilder();
    Tensor a = b.input("a", DataType.FLOAT32, 1, 3);
    Tensor c = b.input("b", DataType.FLOAT32, 1, 3);
    b.output(b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 3}, a, c));
    Model m = b.build();
    // The signature names the inputs in the other order than the subgraph takes them.
    SignatureDef s = new SignatureDef("serving_default", m.mainSubgraph());
    s.inputs().put("second", c);
    s.inputs().put("first", a);
    m.signatures().add(s);
    Path labels = Files.writeString(dir.resolve("labels.txt"), "4\n5\n6\n");
    DatasetSpec spec = DatasetSpec.parse(npz("d.npz", Map.of("first", stack(3, 1, 0), "second", stack(3, 10, 100)))
        .toString(), m, null, labels);
    assertEquals(3, spec.mainSamples().size());
    List<TensorValue> third = spec.mainSamples().get(2);
    assertEquals(2, third.size());
    assertArrayEquals(new float[] {2, 3, 4}, third.get(0).floats(), "a = first");
    assertArrayEquals(new float[] {120, 121, 122}, third.get(1).floats(),
        "b = second");
    assertArrayEquals(new int[] {4, 5, 6}, spec.labels());
    assertEquals("sample 1", spec.sampleName(1));
  }

  @Test
  void mistakesAreNamed() throws IOException {
    Model m = twoInputs(true);
    assertMessage(() -> DatasetSpec.parse("random:0", m), "random:N needs a sample count N from 1 to 100000");
    assertMessage(() -> DatasetSpec.parse("random:lots", m), "random:N needs a sample count");
    assertMessage(() -> DatasetSpec.parse("data.csv", m), "give a .npy file");
    assertMessage(() -> DatasetSpec.parse(dir.resolve("absent.npz").toString(), m), "absent.npz");
    Path one = dir.resolve("one.npy");
    Npy.write(stack(2, 1, 0), one);
    assertMessage(() -> DatasetSpec.parse(one.toString(), m), "a .npy file can only feed a model with one input");
    String missing = npz("missing.npz", Map.of("first", stack(2, 1, 0))).toString();
    assertMessage(() -> DatasetSpec.parse(missing, m), "has no array 'second' for input 'second'");
    String extra = npz("extra.npz", Map.of("first", stack(2, 1, 0), "second", stack(2, 1, 0), "third",
        stack(2, 1, 0))).toString();
    assertMessage(() -> DatasetSpec.parse(extra, m), "has arrays the model has no input for: [third]");
    String counts = npz("counts.npz", Map.of("first", stack(2, 1, 0), "second", stack(3, 1, 0))).toString();
    assertMessage(() -> DatasetSpec.parse(counts, m), "samples, but the other inputs hold");
    String ints = npz("ints.npz", Map.of("first", TensorValue.ofInts(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), "second",
        stack(2, 1, 0))).toString();
    assertMessage(() -> DatasetSpec.parse(ints, m), "is int32, but the input takes float32");
    String shape = npz("shape.npz", Map.of("first", TensorValue.ofFloats(Shape.of(2, 4), new float[8]), "second",
        stack(2, 1, 0))).toString();
    assertMessage(() -> DatasetSpec.parse(shape, m), "[2, 4]");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
    LiteQuantException e = assertThrows(LiteQuantException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    if (e instanceof InvalidArgumentException || e.getMessage().contains("absent")) {
      return;
    }
    throw new AssertionError("not an argument error: " + e);
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
