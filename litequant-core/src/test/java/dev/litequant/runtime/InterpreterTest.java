package dev.litequant.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.testing.SharedModels;
import dev.litequant.testing.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpreterTest {
  /** A chain of n NEG/ABS operators on a [1, 1000] float input. */
  private static Model chain(int n) {
    ModelBuilder b = new ModelBuilder();
    Tensor t = b.input("x", DataType.FLOAT32, 1, 1000);
    for (int i = 0; i < n; i++) {
      t = b.apply(i % 2 == 0 ? BuiltinOperator.NEG : BuiltinOperator.ABS, null, "t" + i, DataType.FLOAT32,
          new int[] {1, 1000}, t);
    }
    return b.output(t).build();
  }

  @Test
  void memoryIsSharedBetweenTensorsWithDisjointLifetimes() {
    Interpreter it = Interpreter.create(chain(10));
    // Input and output are kept; the 9 intermediates need only two arrays between them.
    assertTrue(it.plannedElements() <= 4 * 1000, "planned " + it.plannedElements());
    float[] x = new float[1000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i - 500;
    }
    it.setInputFloats(0, x);
    it.invoke();
    float[] y = it.getOutput(0).floats();
    for (int i = 0; i < x.length; i++) {
      // NEG, ABS, NEG, ABS, ...: every ABS gives |x|, and the tenth operator is an ABS.
      assertEquals(Math.abs(x[i]), y[i], "element " + i);
    }
  }

  @Test
  void observerSeesInputsAndEveryOperatorOutput() {
    Model m = TinyModels.fullyConnected();
    Interpreter it = Interpreter.create(m);
    List<String> seen = new ArrayList<>();
    it.setObserver((op, view) -> seen.add(op + ":" + view.tensor().name()));
    it.setInput(0, TensorValue.ofFloats(Shape.of(1, 4), 1, 2, 3, 4));
    it.invoke();
    assertEquals(List.of("-1:x", "0:dense/relu", "1:y"), seen);
  }

  @Test
  void constantSubgraphsAreFoldedOnceAndStillObserved() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4);
    Tensor q = b.constant("q", DataType.INT8, Buffer.copyOf(new byte[] {10, 20, 30, 40}), 4);
    q.setQuantization(Quantization.perTensor(0.5f, 10));
    Tensor w = b.apply(BuiltinOperator.DEQUANTIZE, null, "w", DataType.FLOAT32, new int[] {4}, q);
    Tensor y = b.apply(BuiltinOperator.MUL, Table.of("MulOptions"), "y", DataType.FLOAT32, new int[] {4}, x, w);
    Interpreter it = Interpreter.create(b.output(y).build());
    List<String> seen = new ArrayList<>();
    it.setObserver((op, view) -> seen.add(view.tensor().name() + "=" + Interpreter.snapshot(view).toString()));
    it.setInput(0, TensorValue.ofFloats(Shape.of(4), 1, 1, 1, 2));
    it.invoke();
    assertArrayEquals(new float[] {0, 5, 10, 30}, it.getOutput(0).floats());
    assertEquals(3, seen.size());
    assertTrue(seen.get(1).startsWith("w=float32[4] [0.0, 5.0, 10.0, 15.0]"), seen.get(1));
  }

  /** SHAPE -> STRIDED_SLICE -> CONCATENATION -> RESHAPE: shapes computed from shapes are fixed. */
  @Test
  void shapesComputedFromShapesAreFixedBeforeRunning() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 2, 3, 4);
    Tensor shape = b.apply(BuiltinOperator.SHAPE, Table.of("ShapeOptions").with("out_type", DataType.INT32.code()),
        "shape", DataType.INT32, new int[] {3}, x);
    Tensor first = b.apply(BuiltinOperator.STRIDED_SLICE, Table.of("StridedSliceOptions"), "first", DataType.INT32,
        new int[] {1}, shape, b.constantInts("begin", new int[] {0}, 1), b.constantInts("end", new int[] {1}, 1),
        b.constantInts("strides", new int[] {1}, 1));
    Tensor newShape = b.apply(BuiltinOperator.CONCATENATION, Table.of("ConcatenationOptions").with("axis", 0),
        "new_shape", DataType.INT32, new int[] {2}, first, b.constantInts("rest", new int[] {-1}, 1));
    // The file claims [1]; the interpreter computes [2, 12].
    Tensor y = b.apply(BuiltinOperator.RESHAPE, null, "y", DataType.FLOAT32, new int[] {1}, x, newShape);
    Model m = b.output(y).build();
    OracleComparison.Report r = OracleComparison.compareStrict(m, OracleComparison.randomInputs(m, 3, -1, 1),
        InterpreterOptions.defaults());
    assertEquals(4, r.tensorsCompared());
    assertEquals(Shape.of(2, 12), Interpreter.create(m).output(0).shape());
  }

  @Test
  void allUnsupportedOperatorsAreListedInOneError() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4);
    Tensor c = b.tensor("c", DataType.FLOAT32, 4);
    Operator custom = Operator.custom("MyFancyOp");
    custom.inputs().add(x);
    custom.outputs().add(c);
    b.subgraph().operators().add(custom);
    Tensor r = b.apply(BuiltinOperator.RELU, null, "r", DataType.FLOAT32, new int[] {4}, c);
    b.subgraph().operators().get(1).setVersion(9);
    Tensor n = b.apply(BuiltinOperator.NON_MAX_SUPPRESSION_V4, null, "n", DataType.FLOAT32, new int[] {4}, r);
    Tensor m = b.apply(BuiltinOperator.NON_MAX_SUPPRESSION_V4, null, "m", DataType.FLOAT32, new int[] {4}, n);
    Model model = b.output(m).build();
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Interpreter.create(model));
    assertEquals("LiteQuant's interpreter cannot run 4 operators of this model: "
        + "CUSTOM:MyFancyOp v1: custom operators have no kernel (operator 0); "
        + "RELU v9: version 9 is newer than LiteQuant supports (up to v3) (operator 1); "
        + "NON_MAX_SUPPRESSION_V4 v1: no kernel for this operator (operators 2, 3).", e.getMessage());
  }

  @Test
  void inputsAreCheckedWithClearMessages() {
    Interpreter it = Interpreter.create(TinyModels.fullyConnected());
    InvalidArgumentException type = assertThrows(InvalidArgumentException.class,
        () -> it.setInput(0, TensorValue.ofInts(Shape.of(1, 4), 1, 2, 3, 4)));
    assertEquals("Input 'x' float32[1, 4] takes float32 values, but int32 values were given.", type.getMessage());
    InvalidArgumentException size = assertThrows(InvalidArgumentException.class,
        () -> it.setInput(0, TensorValue.ofFloats(Shape.of(5), 1, 2, 3, 4, 5)));
    assertTrue(size.getMessage().contains("takes 4 values (shape [1, 4]), but the value given has shape [5]"),
        size.getMessage());
    InvalidArgumentException name = assertThrows(InvalidArgumentException.class, () -> it.inputIndex("nope"));
    assertEquals("The model has no input named 'nope'; its inputs are ['x'].", name.getMessage());
  }

  @Test
  void runsEachSignatureOfAMultiSignatureModel() throws Exception {
    Model m = ModelReader.read(SharedModels.path("ai-edge-quantizer/two_signatures.tflite"));
    byte[] bytes = java.nio.file.Files.readAllBytes(SharedModels.path("ai-edge-quantizer/two_signatures.tflite"));
    for (String key : new String[] {"add", "multiply"}) {
      Interpreter it = Interpreter.forSignature(m, key, InterpreterOptions.defaults());
      assertEquals("x", it.input(0).name());
      TensorValue x = TensorValue.ofFloats(Shape.of(1), 3.5f);
      Map<String, TensorValue> out = it.run(Map.of("x", x));
      String outputName = it.output(0).name();
      byte[] theirs = TfLiteOracle.run(SignatureAsMain.rewrite(bytes, key), List.of(x.toBytes())).get(0);
      assertArrayEquals(theirs, out.get(outputName).toBytes(), key);
    }
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Interpreter.forSignature(m, "divide", InterpreterOptions.defaults()));
    assertEquals("The model has no signature 'divide'; it has [add, multiply].", e.getMessage());
  }
}
