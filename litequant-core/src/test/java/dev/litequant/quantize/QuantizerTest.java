package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {
  /** x -> CONV_2D -> EXP -> DIV(by 2) -> RELU: two operators without int8 kernels. */
  private static Model convExpDiv() {
    Random r = new Random(5);
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4, 4, 2);
    float[] w = new float[3 * 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextFloat() - 0.5f;
    }
    Tensor c = b.apply(BuiltinOperator.CONV_2D, Table.of("Conv2DOptions").with("stride_h", 1).with("stride_w", 1),
        "conv", DataType.FLOAT32, new int[] {1, 4, 4, 3}, x, b.constant("w", w, 3, 1, 1, 2),
        b.constant("b", new float[] {0.1f, 0.2f, 0.3f}, 3));
    Tensor e = b.apply(BuiltinOperator.EXP, null, "exp", DataType.FLOAT32, new int[] {1, 4, 4, 3}, c);
    Tensor d = b.apply(BuiltinOperator.DIV, Table.of("DivOptions"), "div", DataType.FLOAT32, new int[] {1, 4, 4, 3},
        e, b.constant("two", new float[] {2f}, 1));
    Tensor y = b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {1, 4, 4, 3}, d);
    return b.output(y).signature("serving_default").build();
  }

  private static RepresentativeDataset data(Model m) {
    return DatasetSpec.parse("random:10", m).dataset();
  }

  @Test
  void integerOnlyListsEveryOperatorWithoutAnInt8Form() {
    Model m = convExpDiv();
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Quantizer.fromModel(m)
        .mode(QuantizationMode.INT8_ONLY).representativeDataset(data(m)).quantize());
    assertEquals("Integer-only quantization is impossible: 2 operators have no int8 form: operator 1 (EXP): no "
        + "int8 kernel for EXP; operator 2 (DIV): no int8 kernel for DIV. Use --mode int8 (float fallback) to keep "
        + "such operators float.", e.getMessage());
  }

  @Test
  void floatFallbackWrapsFloatOperatorsInDequantizeAndQuantize() {
    Model m = convExpDiv();
    QuantizationResult r = Quantizer.fromModel(m).representativeDataset(data(m)).quantize();
    Model q = ModelReader.read(r.modelBytes());
    assertEquals("[QUANTIZE, CONV_2D, DEQUANTIZE, EXP, DIV, QUANTIZE, RELU, DEQUANTIZE]",
        q.mainSubgraph().operators().stream().map(o -> o.displayName()).toList().toString());
    assertEquals(2, r.quantizedCount());
    assertEquals("no int8 kernel for EXP", r.floatOperators().get(0).reason());
  }

  @Test
  void keepFloatByTypeAndByOutputName() {
    Model m = convExpDiv();
    QuantizationResult byType = Quantizer.fromModel(m).representativeDataset(data(m)).keepFloat("CONV_2D").quantize();
    assertEquals("kept float (--keep-float CONV_2D)", byType.floatOperators().get(0).reason());
    QuantizationResult byName = Quantizer.fromModel(m).representativeDataset(data(m)).keepFloat("y|con.*").quantize();
    assertEquals(0, byName.quantizedCount());
    InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
        () -> Quantizer.fromModel(m).representativeDataset(data(m)).keepFloat("(unclosed").quantize());
    assertTrue(bad.getMessage().startsWith("--keep-float '(unclosed' is neither an operator type nor a valid regular "
        + "expression"), bad.getMessage());
  }

  @Test
  void alreadyQuantizedModelsAndMissingDataAreRefused() throws Exception {
    byte[] int8 = Files.readAllBytes(SharedModels.path("tflite-micro/history/hello_world_old.tflite"));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Quantizer.fromBytes(int8)
        .representativeDataset(RepresentativeDataset.ofSamples(java.util.List.of())).quantize());
    assertTrue(e.getMessage().startsWith("The model is already quantized (operator 0, FULLY_CONNECTED, writes int8"),
        e.getMessage());
    InvalidArgumentException none = assertThrows(InvalidArgumentException.class,
        () -> Quantizer.fromModel(convExpDiv()).quantize());
    assertTrue(none.getMessage().startsWith("--mode int8 calibrates the activations and needs a representative "
        + "data set"), none.getMessage());
  }

  @Test
  void weightOnlyModelsAreRequantizedFromTheirDequantizedWeights() throws Exception {
    byte[] bytes = Files.readAllBytes(SharedModels.path("ai-edge-quantizer/mnist_quantized.tflite"));
    Model m = ModelReader.read(bytes);
    QuantizationResult r = Quantizer.fromBytes(bytes).mode(QuantizationMode.INT8_ONLY)
        .representativeDataset(data(m)).quantize();
    assertEquals(3, r.operators().stream().filter(d -> d.outcome() == OperatorDecision.Outcome.REMOVED).count());
    assertEquals(6, r.quantizedCount());
  }

  @Test
  void perChannelDenseWeightsOnRequest() {
    Model m = ModelReader.read(ModelWriter.write(dev.litequant.testing.TinyModels.fullyConnected()));
    Model q = ModelReader.read(Quantizer.fromModel(m).representativeDataset(data(m)).perChannelDense(true)
        .quantize().modelBytes());
    Tensor w = q.mainSubgraph().operators().stream().filter(o -> o.is(BuiltinOperator.FULLY_CONNECTED)).findFirst()
        .orElseThrow().input(1);
    assertTrue(w.quantization().isPerAxis());
    assertEquals(0, w.quantization().axis());
    assertEquals(3, w.quantization().scaleCount());
  }

  @Test
  void aTensorThatIsAlwaysZeroGetsAUsableScale() {
    // x * 0 + x: the classic quantizer gives the product scale 0, on which 2.6.2 aborts in ADD.
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 8);
    Tensor zero = b.apply(BuiltinOperator.MUL, Table.of("MulOptions"), "zero", DataType.FLOAT32, new int[] {1, 8}, x,
        b.constant("zeros", new float[8], 1, 8));
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 8}, zero, x);
    Model m = b.output(y).signature("serving_default").build();
    QuantizationResult r = Quantizer.fromModel(m).mode(QuantizationMode.INT8_ONLY).representativeDataset(data(m))
        .quantize();
    Tensor zeroInt8 = ModelReader.read(r.modelBytes()).mainSubgraph().operators().stream()
        .filter(o -> o.is(BuiltinOperator.MUL)).findFirst().orElseThrow().output(0);
    assertTrue(zeroInt8.quantization().scale() > 0f, zeroInt8.quantization().toString());
    float[] in = {0f, 0.1f, 0.25f, 0.5f, 0.6f, 0.75f, 0.9f, 0.99f};
    float[] out = QuantTestSupport.runFloatInOut(r.modelBytes(),
        java.util.List.of(dev.litequant.runtime.TensorValue.ofFloats(dev.litequant.graph.Shape.of(1, 8), in)));
    for (int i = 0; i < in.length; i++) {
      assertEquals(in[i], out[i], 0.01f, "element " + i);
    }
  }

  @Test
  void anOutputThatIsConstantComparedWithItsInputsKeepsTheKernelMultiplierBelowOne() {
    // x - x: 2.6.2 aborts on SUB unless 2 max(s_in) / (2^20 s_out) < 1; the calibrated output
    // range [0, 0] alone would give a scale 250 times too small.
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 8);
    Tensor d = b.apply(BuiltinOperator.SUB, Table.of("SubOptions"), "d", DataType.FLOAT32, new int[] {1, 8}, x, x);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 8}, d, x);
    Model m = b.output(y).signature("serving_default").build();
    QuantizationResult r = Quantizer.fromModel(m).mode(QuantizationMode.INT8_ONLY).representativeDataset(data(m))
        .quantize();
    Model q = ModelReader.read(r.modelBytes());
    Tensor in = q.mainSubgraph().operators().stream().filter(o -> o.is(BuiltinOperator.SUB)).findFirst()
        .orElseThrow().input(0);
    Tensor diff = q.mainSubgraph().operators().stream().filter(o -> o.is(BuiltinOperator.SUB)).findFirst()
        .orElseThrow().output(0);
    assertTrue(2.0 * in.quantization().scale() / ((1 << 20) * (double) diff.quantization().scale()) < 1,
        in.quantization() + " / " + diff.quantization());
    float[] values = {0f, 0.1f, 0.25f, 0.5f, 0.6f, 0.75f, 0.9f, 0.99f};
    float[] out = QuantTestSupport.runFloatInOut(r.modelBytes(),
        java.util.List.of(dev.litequant.runtime.TensorValue.ofFloats(dev.litequant.graph.Shape.of(1, 8), values)));
    for (int i = 0; i < values.length; i++) {
      assertEquals(values[i], out[i], 0.01f, "element " + i);
    }
  }

  @Test
  void aPadValueOutsideTheInputsRangeIsClippedWithAWarning() {
    // PADV2's output takes its input's parameters, so a pad value beyond the input's range cannot
    // be represented.
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 2, 2, 1);
    Tensor y = b.apply(BuiltinOperator.PADV2, Table.of("PadV2Options"), "y", DataType.FLOAT32,
        new int[] {1, 4, 4, 1}, x, b.constantInts("paddings", new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 4, 2),
        b.constant("pad_value", new float[] {5f}, 1));
    Model m = b.output(y).signature("serving_default").build();
    QuantizationResult r = Quantizer.fromModel(m).representativeDataset(data(m)).quantize();
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).startsWith("The constant 'pad_value' (input 2 of operator 0, PADV2) holds 5.0, "
        + "outside the range its int8 parameters represent"), r.warnings().get(0));
  }
}
