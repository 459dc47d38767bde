package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BROADCAST_TO;
import static dev.litequant.graph.BuiltinOperator.CONCATENATION;
import static dev.litequant.graph.BuiltinOperator.DEPTH_TO_SPACE;
import static dev.litequant.graph.BuiltinOperator.EMBEDDING_LOOKUP;
import static dev.litequant.graph.BuiltinOperator.EXPAND_DIMS;
import static dev.litequant.graph.BuiltinOperator.FILL;
import static dev.litequant.graph.BuiltinOperator.GATHER;
import static dev.litequant.graph.BuiltinOperator.GATHER_ND;
import static dev.litequant.graph.BuiltinOperator.MIRROR_PAD;
import static dev.litequant.graph.BuiltinOperator.PACK;
import static dev.litequant.graph.BuiltinOperator.PAD;
import static dev.litequant.graph.BuiltinOperator.PADV2;
import static dev.litequant.graph.BuiltinOperator.RESHAPE;
import static dev.litequant.graph.BuiltinOperator.REVERSE_V2;
import static dev.litequant.graph.BuiltinOperator.SELECT;
import static dev.litequant.graph.BuiltinOperator.SELECT_V2;
import static dev.litequant.graph.BuiltinOperator.SHAPE;
import static dev.litequant.graph.BuiltinOperator.SLICE;
import static dev.litequant.graph.BuiltinOperator.SPACE_TO_DEPTH;
import static dev.litequant.graph.BuiltinOperator.SPLIT;
import static dev.litequant.graph.BuiltinOperator.SPLIT_V;
import static dev.litequant.graph.BuiltinOperator.SQUEEZE;
import static dev.litequant.graph.BuiltinOperator.STRIDED_SLICE;
import static dev.litequant.graph.BuiltinOperator.TILE;
import static dev.litequant.graph.BuiltinOperator.TRANSPOSE;
import static dev.litequant.graph.BuiltinOperator.UNPACK;
import static dev.litequant.graph.BuiltinOperator.ZEROS_LIKE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Shape;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.ExposedModel;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

/**
 * Real models: every AI Edge Quantizer test model made only of data-movement operators (the
 * {@code single_*} fixtures and a few others), a convolutional model around them, and two int16
 * layers with golden outputs run in LiteQuant's interpreter and agree with TensorFlow Lite 2.6.2 on
 * every tensor, shapes included.
 */
class ShapeKernelsSharedModelsTest {
  private static final Set<BuiltinOperator> SHAPE_OPERATORS = EnumSet.of(RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE,
      TRANSPOSE, CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, STRIDED_SLICE, PAD, PADV2, MIRROR_PAD, TILE,
      BROADCAST_TO, GATHER, GATHER_ND, EMBEDDING_LOOKUP, SPACE_TO_DEPTH, DEPTH_TO_SPACE, SELECT, SELECT_V2,
      REVERSE_V2, FILL, ZEROS_LIKE);

  @TestFactory
  Stream<DynamicTest> sharedShapeModelsAgreeWithTfLite() throws Exception {
    Path dir = SharedModels.path("ai-edge-quantizer");
    List<Path> models;
    try (Stream<Path> files = Files.list(dir)) {
      models = files.filter(p -> p.toString().endsWith(".tflite")).sorted()
          .filter(ShapeKernelsSharedModelsTest::onlyShapeOperators).toList();
    }
    // single_broadcast_to, _gather, _gather_nd x2, _pack, _pad, _padv2, _select, _select_v2, _slice,
    // _space_to_depth, _split, _strided_slice, _symmetric_pad, _transpose x2, _unpack, embedding_lookup,
    // reshape_with_empty_shape and two_inputs_concatenation.
    assertTrue(models.size() >= 20, "only " + models.size() + " data-movement models found in " + dir);
    return models.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
  }

  @Test
  void aConvolutionalModelWithReshapeConcatenationAndSplitAgreesWithTfLite() {
    // CONV_2D and FULLY_CONNECTED around RESHAPE, SPLIT and CONCATENATION.
    check(SharedModels.path("ai-edge-quantizer/branching_conv_fc.tflite"));
  }

  /**
   * Single int16 layers cut from a 16x8 network, each stored with an input and the exact output the
   * network's authors expected (CSV): the data-movement kernels must reproduce it bit for bit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"pad/pad0", "strided_slice/strided_slice0"})
  void int16LayersReproduceTheirGoldenOutputs(String layer) throws Exception {
    Path model = SharedModels.path("tflite-micro/seanet/" + layer + ".tflite");
    Model m = ModelReader.read(model);
    Tensor in = m.mainSubgraph().inputs().get(0);
    TensorValue input = TensorValue.ofShorts(DataType.INT16, in.shape(), csv(model, "_input0_int16.csv"));
    Interpreter it = Interpreter.create(m, InterpreterOptions.referenceKernels());
    it.setInput(0, input);
    it.invoke();
    TensorValue out = it.getOutput(0);
    assertArrayEquals(m.mainSubgraph().outputs().get(0).shape().dims(), out.shape().dims());
    assertArrayEquals(csv(model, "_golden_int16.csv"), out.shorts());
    check(model, List.of(input));
  }

  private static short[] csv(Path model, String suffix) throws Exception {
    String name = model.getFileName().toString().replace(".tflite", suffix);
    String[] cells = Files.readString(model.resolveSibling(name)).trim().split("\\s*,\\s*");
    short[] v = new short[cells.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Short.parseShort(cells[i]);
    }
    return v;
  }

  /**
   * single_slice takes begin and size as inputs, of shape [1] for an input of rank 3 (its shapes
   * are placeholders for dynamic ones), so no input values make it valid as stored. Here the data
   * input becomes [2, 3, 4] and begin and size the constants [1, 0, 1] and [1, -1, 2].
   */
  private static void sliceWithConstantBeginAndSize(Model model) {
    Subgraph g = model.mainSubgraph();
    Operator slice = g.operators().get(0);
    slice.input(0).setShape(Shape.of(2, 3, 4));
    makeConstant(model, slice.input(1), 1, 0, 1);
    makeConstant(model, slice.input(2), 1, -1, 2);
  }

  private static void makeConstant(Model model, Tensor t, int... values) {
    t.setShape(Shape.of(values.length)).setShapeSignature(null).setBuffer(Buffer.ofInts(values));
    model.mainSubgraph().inputs().remove(t);
    for (SignatureDef s : model.signatures()) {
      s.inputs().values().remove(t);
    }
  }

  private static boolean onlyShapeOperators(Path p) {
    Model m = ModelReader.read(p);
    List<Operator> ops = m.mainSubgraph().operators();
    return m.subgraphs().size() == 1 && !ops.isEmpty() && ops.stream().allMatch(o -> SHAPE_OPERATORS.contains(o.type()));
  }

  private static void check(Path p) {
    Model model = ModelReader.read(p);
    if (p.getFileName().toString().equals("single_slice.tflite")) {
      sliceWithConstantBeginAndSize(model);
    }
    check(model, p, OracleComparison.randomInputs(model, 7, -1, 1));
  }

  private static void check(Path p, List<TensorValue> inputs) {
    check(ModelReader.read(p), p, inputs);
  }

  private static void check(Model model, Path p, List<TensorValue> inputs) {
    OracleComparison.Report report;
    try {
      report = OracleComparison.compare(model, inputs, InterpreterOptions.referenceKernels());
    } catch (TestAbortedException e) {
      fail("TensorFlow Lite 2.6.2 did not run " + p.getFileName() + ": " + e.getMessage());
      return;
    }
    assertTrue(report.tensorsCompared() > 0, "nothing compared");
    // Element counts are compared above; the shapes must agree too.
    ExposedModel exposed = ExposedModel.of(ModelWriter.write(model));
    TfLiteOracle.ModelInfo info = TfLiteOracle.inspect(exposed.bytes());
    Map<Integer, TensorValue> ours = OracleComparison.runObservingAll(model, inputs, InterpreterOptions.referenceKernels());
    for (int i = 0; i < exposed.tensorIndices().size(); i++) {
      int index = exposed.tensorIndices().get(i);
      Tensor t = model.mainSubgraph().tensors().get(index);
      assertArrayEquals(info.outputs().get(i).shape(), ours.get(index).shape().dims(), "shape of " + t);
    }
  }
}
