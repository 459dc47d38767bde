package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.OracleComparison;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dynamic-range quantization on small built models: the size threshold, one shared DEQUANTIZE,
 * keep-float, the int8 values, and for each operator with a hybrid kernel the scheme, version and
 * options written. Every quantized model also runs in TensorFlow Lite 2.6.2, bit-identical with
 * LiteQuant's interpreter ({@link HybridModelComparison}).
 */
class DynamicRangeQuantizationTest {
  private static final Random RANDOM = new Random(7);

  private static float[] randomFloats(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (RANDOM.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  private static Table fc() {
    return Table.of("FullyConnectedOptions");
  }

  /** x[1, depth] -> FULLY_CONNECTED with weights [units, depth] and a bias. */
  private static Model singleFc(int units, int depth) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, depth);
    Tensor w = b.constant("w", randomFloats(units * depth, 0.5f), units, depth);
    Tensor bias = b.constant("bias", randomFloats(units, 0.1f), units);
    Tensor y = b.apply(BuiltinOperator.FULLY_CONNECTED, fc(), "y", DataType.FLOAT32, new int[] {1, units}, x, w, bias);
    return b.output(y).build();
  }

  private static Model quantize(Model m, Quantizer configure) {
    QuantizationResult r = configure.mode(QuantizationMode.DYNAMIC).quantize();
    return ModelReader.read(r.modelBytes());
  }

  private static QuantizationResult result(Model m) {
    return Quantizer.fromModel(m).mode(QuantizationMode.DYNAMIC).quantize();
  }

  /** The quantized model runs in 2.6.2, and LiteQuant computes what 2.6.2 computes. */
  private static void runsLikeTensorFlowLite(Model q) {
    HybridModelComparison.compare(q, OracleComparison.randomInputs(q, 3, -2f, 2f));
  }

  private static Operator only(Model m, BuiltinOperator type) {
    List<Operator> ops = m.mainSubgraph().operators().stream().filter(o -> o.is(type)).toList();
    assertEquals(1, ops.size(), "operators of type " + type);
    return ops.get(0);
  }

  private static long count(Model m, BuiltinOperator type) {
    return m.mainSubgraph().operators().stream().filter(o -> o.is(type)).count();
  }

  // ---- threshold ----

  @Test
  void weightsBelowTheThresholdStayFloat() {
    QuantizationResult r = result(singleFc(3, 341)); // 1023 elements
    Model q = ModelReader.read(r.modelBytes());
    Operator op = only(q, BuiltinOperator.FULLY_CONNECTED);
    assertEquals(DataType.FLOAT32, op.input(1).type());
    assertEquals(1, op.version());
    assertEquals(1, r.operators().size());
    assertEquals(OperatorDecision.Outcome.FLOAT, r.operators().get(0).outcome());
    assertTrue(r.operators().get(0).reason().contains("1023 elements, fewer than --min-weight-elements 1024"),
        r.operators().get(0).reason());
  }

  @Test
  void weightsAtTheThresholdAreQuantized() {
    QuantizationResult r = result(singleFc(4, 256)); // 1024 elements
    Model q = ModelReader.read(r.modelBytes());
    Operator op = only(q, BuiltinOperator.FULLY_CONNECTED);
    assertEquals(DataType.INT8, op.input(1).type());
    assertFalse(op.input(1).quantization().isPerAxis());
    assertEquals(DataType.FLOAT32, op.input(2).type(), "the bias stays float");
    assertTrue(op.options().getBool("asymmetric_quantize_inputs"));
    assertEquals(9, op.version());
    assertEquals(1, r.quantizedCount());
    assertNull(r.operators().get(0).reason());
    runsLikeTensorFlowLite(q);
  }

  /**
   * Per-channel FULLY_CONNECTED weights only on request: 2.6.2 computes them wrongly (only the
   * bias), so this model is checked in LiteQuant's interpreter, against the float model.
   */
  @Test
  void perChannelDenseOnRequest() {
    Model m = singleFc(16, 128);
    Model q = quantize(m, Quantizer.fromModel(m).perChannelDense(true));
    Operator op = only(q, BuiltinOperator.FULLY_CONNECTED);
    assertTrue(op.input(1).quantization().isPerAxis());
    assertEquals(0, op.input(1).quantization().axis());
    assertEquals(16, op.input(1).quantization().scaleCount());
    List<dev.litequant.runtime.TensorValue> in = OracleComparison.randomInputs(m, 4, -1f, 1f);
    float[] expected = run(m, in);
    float[] actual = run(q, in);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 0.1, "unit " + i);
    }
  }

  private static float[] run(Model m, List<dev.litequant.runtime.TensorValue> in) {
    dev.litequant.runtime.Interpreter it = dev.litequant.runtime.Interpreter.create(m);
    it.setInput(0, in.get(0));
    it.invoke();
    return it.getOutput(0).floats();
  }

  @Test
  void theThresholdIsAnOption() {
    Model m = singleFc(4, 256);
    Model raised = quantize(m, Quantizer.fromModel(m).minWeightElements(1025));
    assertEquals(DataType.FLOAT32, only(raised, BuiltinOperator.FULLY_CONNECTED).input(1).type());
    Model small = singleFc(4, 4);
    Model lowered = quantize(small, Quantizer.fromModel(small).minWeightElements(16));
    assertEquals(DataType.INT8, only(lowered, BuiltinOperator.FULLY_CONNECTED).input(1).type());
    runsLikeTensorFlowLite(lowered);
  }

  // ---- values ----

  /** Expected codes computed here: round half away from zero of w * (127 / max|w|), in float. */
  private static byte[] expectedCodes(float[] w, float max) {
    float inverse = 127f / max;
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      float x = w[i] * inverse;
      float rounded = (float) (Math.signum(x) * Math.floor(Math.abs((double) x) + 0.5));
      q[i] = (byte) Math.max(-127, Math.min(127, rounded));
    }
    return q;
  }

  private static float[] floatsOf(Tensor t) {
    float[] v = new float[(int) t.shape().elementCount()];
    t.buffer().view().asFloatBuffer().get(v);
    return v;
  }

  @Test
  void weightValuesAreSymmetricInt8() {
    Model m = singleFc(8, 160);
    float[] w = floatsOf(only(m, BuiltinOperator.FULLY_CONNECTED).input(1));
    w[17] = 0.25f;
    w[18] = -0.25f;
    Tensor weights = only(m, BuiltinOperator.FULLY_CONNECTED).input(1);
    weights.setBuffer(dev.litequant.graph.Buffer.ofFloats(w));
    float max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    Tensor q = only(quantize(m, Quantizer.fromModel(m)), BuiltinOperator.FULLY_CONNECTED).input(1);
    assertEquals(max / 127f, q.quantization().scale());
    assertEquals(0, q.quantization().zeroPoint());
    byte[] codes = q.buffer().toByteArray();
    assertArrayEquals(expectedCodes(w, max), codes);
    assertEquals(-codes[17], codes[18]);
    for (int i = 0; i < w.length; i++) {
      assertTrue(Math.abs(codes[i] * (double) q.quantization().scale() - w[i]) <= 0.5 * max / 127 * 1.0001);
    }
  }

  // ---- DEQUANTIZE ----

  /**
   * A constant that is a FULLY_CONNECTED's weights and an operand of ADD and MUL: the FC reads the
   * int8 tensor, ADD and MUL share one DEQUANTIZE placed before the first of them.
   */
  @Test
  void oneDequantizeForTheOtherConsumers() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 32, 32);
    Tensor c = b.constant("shared", randomFloats(1024, 1f), 32, 32);
    Tensor f = b.apply(BuiltinOperator.FULLY_CONNECTED, fc(), "f", DataType.FLOAT32, new int[] {32, 32}, x, c);
    Tensor a = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "a", DataType.FLOAT32, new int[] {32, 32}, f, c);
    Tensor y = b.apply(BuiltinOperator.MUL, Table.of("MulOptions"), "y", DataType.FLOAT32, new int[] {32, 32}, a, c);
    QuantizationResult r = result(b.output(y).build());
    Model q = ModelReader.read(r.modelBytes());
    assertEquals(1, count(q, BuiltinOperator.DEQUANTIZE));
    List<Operator> ops = q.mainSubgraph().operators();
    Operator dq = only(q, BuiltinOperator.DEQUANTIZE);
    Operator fcOp = only(q, BuiltinOperator.FULLY_CONNECTED);
    Operator add = only(q, BuiltinOperator.ADD);
    Operator mul = only(q, BuiltinOperator.MUL);
    assertEquals(ops.indexOf(add) - 1, ops.indexOf(dq), "the DEQUANTIZE comes just before its first consumer");
    assertSame(dq.input(0), fcOp.input(1), "the FULLY_CONNECTED reads the int8 constant itself");
    assertSame(dq.output(0), add.input(1));
    assertSame(dq.output(0), mul.input(1));
    assertEquals(DataType.INT8, dq.input(0).type());
    assertFalse(dq.input(0).quantization().isPerAxis(), "2.6.2 dequantizes per-axis tensors to zeros");
    assertEquals(2, dq.version());
    assertEquals(3, r.quantizedCount(), "FULLY_CONNECTED, ADD and MUL read the int8 weights");
    runsLikeTensorFlowLite(q);
  }

  /** Two TRANSPOSE_CONVs (no hybrid kernel) sharing their weights: one DEQUANTIZE for both. */
  @Test
  void sharedWeightsOfOperatorsWithoutHybridKernel() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4, 4, 16);
    Tensor w = b.constant("w", randomFloats(16 * 3 * 3 * 16, 0.3f), 16, 3, 3, 16);
    Tensor shape = b.constantInts("shape", new int[] {1, 4, 4, 16}, 4);
    Table o = Table.of("TransposeConvOptions").with("padding", Padding.SAME.code()).with("stride_h", 1)
        .with("stride_w", 1);
    Tensor t1 = b.apply(BuiltinOperator.TRANSPOSE_CONV, o, "t1", DataType.FLOAT32, new int[] {1, 4, 4, 16}, shape, w, x);
    Tensor t2 = b.apply(BuiltinOperator.TRANSPOSE_CONV, o, "t2", DataType.FLOAT32, new int[] {1, 4, 4, 16}, shape, w, t1);
    Model q = ModelReader.read(result(b.output(t2).build()).modelBytes());
    assertEquals(1, count(q, BuiltinOperator.DEQUANTIZE));
    Operator dq = only(q, BuiltinOperator.DEQUANTIZE);
    assertEquals(0, q.mainSubgraph().operators().indexOf(dq));
    q.mainSubgraph().operators().stream().filter(op -> op.is(BuiltinOperator.TRANSPOSE_CONV))
        .forEach(op -> assertSame(dq.output(0), op.input(1)));
    runsLikeTensorFlowLite(q);
  }

  // ---- keep-float ----

  @Test
  void keptOperatorsKeepFloatWeights() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 64);
    Tensor shared = b.constant("shared", randomFloats(64 * 64, 0.2f), 64, 64);
    Tensor h = b.apply(BuiltinOperator.FULLY_CONNECTED, fc(), "hidden", DataType.FLOAT32, new int[] {1, 64}, x, shared);
    Tensor y = b.apply(BuiltinOperator.FULLY_CONNECTED, fc(), "logits", DataType.FLOAT32, new int[] {1, 64}, h, shared);
    Model m = b.output(y).build();
    QuantizationResult r = Quantizer.fromModel(m).mode(QuantizationMode.DYNAMIC).keepFloat("log.*").quantize();
    Model q = ModelReader.read(r.modelBytes());
    List<Operator> fcs = q.mainSubgraph().operators();
    assertEquals(DataType.INT8, fcs.get(0).input(1).type());
    assertEquals("shared_int8", fcs.get(0).input(1).name(), "the float original stays, so the int8 copy is renamed");
    assertEquals(DataType.FLOAT32, fcs.get(1).input(1).type());
    assertEquals(1, fcs.get(1).version());
    assertEquals(OperatorDecision.Outcome.QUANTIZED, r.operators().get(0).outcome());
    assertEquals(OperatorDecision.Outcome.FLOAT, r.operators().get(1).outcome());
    assertTrue(r.operators().get(1).reason().contains("--keep-float log.*"), r.operators().get(1).reason());
    Model byType = quantize(m, Quantizer.fromModel(m).keepFloat("FULLY_CONNECTED"));
    assertEquals(0, byType.mainSubgraph().tensors().stream().filter(t -> t.type() == DataType.INT8).count());
    runsLikeTensorFlowLite(q);
  }

  // ---- convolutions ----

  private static Model conv(float[] filter, int outC, int dilation) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 8, 8, 16);
    Tensor w = b.constant("w", filter, outC, 3, 3, 16);
    Tensor bias = b.constant("bias", randomFloats(outC, 0.1f), outC);
    Table o = Table.of("Conv2DOptions").with("padding", Padding.SAME.code()).with("stride_h", 1).with("stride_w", 1)
        .with("dilation_h_factor", dilation).with("dilation_w_factor", dilation);
    Tensor y = b.apply(BuiltinOperator.CONV_2D, o, "y", DataType.FLOAT32, new int[] {1, 8, 8, outC}, x, w, bias);
    return b.output(y).build();
  }

  @Test
  void convolutionsArePerChannel() {
    int outC = 8;
    float[] filter = randomFloats(outC * 144, 1f);
    Model q = ModelReader.read(result(conv(filter, outC, 1)).modelBytes());
    Operator op = only(q, BuiltinOperator.CONV_2D);
    assertEquals(DataType.INT8, op.input(1).type());
    assertTrue(op.input(1).quantization().isPerAxis());
    assertEquals(0, op.input(1).quantization().axis());
    assertEquals(5, op.version());
    // Per-channel codes, computed here: each channel against its own largest magnitude.
    byte[] codes = op.input(1).buffer().toByteArray();
    for (int c = 0; c < outC; c++) {
      float[] channel = java.util.Arrays.copyOfRange(filter, c * 144, (c + 1) * 144);
      float max = 0;
      for (float v : channel) {
        max = Math.max(max, Math.abs(v));
      }
      assertEquals(max / 127f, op.input(1).quantization().scale(c));
      assertArrayEquals(expectedCodes(channel, max), java.util.Arrays.copyOfRange(codes, c * 144, (c + 1) * 144));
    }
    runsLikeTensorFlowLite(q);
  }

  /** Channels with one common scale: 2.6.2 would read scale 0, so the filter is written per tensor. */
  @Test
  void equalChannelScalesArePerTensor() {
    int outC = 8;
    float[] filter = randomFloats(outC * 144, 1f);
    for (int c = 0; c < outC; c++) {
      filter[c * 144] = 2f;
    }
    Model q = ModelReader.read(result(conv(filter, outC, 1)).modelBytes());
    Operator op = only(q, BuiltinOperator.CONV_2D);
    assertEquals(DataType.INT8, op.input(1).type());
    assertFalse(op.input(1).quantization().isPerAxis());
    assertEquals(2, op.version());
    runsLikeTensorFlowLite(q);
    Model dilated = ModelReader.read(result(conv(filter, outC, 2)).modelBytes());
    assertEquals(1, count(dilated, BuiltinOperator.DEQUANTIZE), "2.6.2's per-tensor hybrid CONV_2D ignores dilation");
    assertEquals(1, only(dilated, BuiltinOperator.CONV_2D).version());
    runsLikeTensorFlowLite(dilated);
  }

  @Test
  void depthwiseIsPerChannelOnAxis3() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 6, 6, 128);
    Tensor w = b.constant("w", randomFloats(9 * 128, 1f), 1, 3, 3, 128);
    Tensor bias = b.constant("bias", randomFloats(128, 0.1f), 128);
    Table o = Table.of("DepthwiseConv2DOptions").with("padding", Padding.SAME.code()).with("stride_h", 1)
        .with("stride_w", 1).with("depth_multiplier", 1).with("fused_activation_function", 3);
    Tensor y = b.apply(BuiltinOperator.DEPTHWISE_CONV_2D, o, "y", DataType.FLOAT32, new int[] {1, 6, 6, 128}, x, w, bias);
    Model q = ModelReader.read(result(b.output(y).build()).modelBytes());
    Operator op = only(q, BuiltinOperator.DEPTHWISE_CONV_2D);
    assertEquals(DataType.INT8, op.input(1).type());
    assertEquals(3, op.input(1).quantization().axis());
    assertEquals(128, op.input(1).quantization().scaleCount());
    assertEquals(6, op.version());
    runsLikeTensorFlowLite(q);
  }

  // ---- BATCH_MATMUL, EMBEDDING_LOOKUP, GATHER ----

  private static Model batchMatMul(int m, int k) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 2, m, k);
    Tensor w = b.constant("w", randomFloats(k * 64, 1f), k, 64);
    Tensor y = b.apply(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), "y", DataType.FLOAT32,
        new int[] {2, m, 64}, x, w);
    return b.output(y).build();
  }

  @Test
  void batchMatMulIsHybridOnlyWhere262ComputesItRight() {
    Model q = ModelReader.read(result(batchMatMul(4, 32)).modelBytes());
    Operator op = only(q, BuiltinOperator.BATCH_MATMUL);
    assertEquals(DataType.INT8, op.input(1).type());
    assertTrue(op.options().getBool("asymmetric_quantize_inputs"));
    assertEquals(4, op.version());
    runsLikeTensorFlowLite(q);
    Model wide = ModelReader.read(result(batchMatMul(40, 32)).modelBytes());
    assertEquals(1, count(wide, BuiltinOperator.DEQUANTIZE), "k < m: 2.6.2's hybrid kernel overruns its buffers");
    assertEquals(DataType.FLOAT32, only(wide, BuiltinOperator.BATCH_MATMUL).input(1).type());
    runsLikeTensorFlowLite(wide);
  }

  @Test
  void lookupsReadInt8Tables() {
    ModelBuilder b = new ModelBuilder();
    Tensor ids = b.input("ids", DataType.INT32, 5);
    Tensor table = b.constant("table", randomFloats(100 * 16, 1f), 100, 16);
    Tensor e = b.apply(BuiltinOperator.EMBEDDING_LOOKUP, null, "e", DataType.FLOAT32, new int[] {5, 16}, ids, table);
    Tensor g = b.apply(BuiltinOperator.GATHER, Table.of("GatherOptions"), "g", DataType.FLOAT32, new int[] {5, 16},
        table, ids);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {5, 16}, e, g);
    Model q = ModelReader.read(result(b.output(y).build()).modelBytes());
    Operator lookup = only(q, BuiltinOperator.EMBEDDING_LOOKUP);
    Operator gather = only(q, BuiltinOperator.GATHER);
    assertEquals(DataType.INT8, lookup.input(1).type());
    assertEquals(3, lookup.version());
    assertSame(lookup.input(1), gather.input(0));
    assertEquals(DataType.INT8, gather.output(0).type());
    assertEquals(2, gather.version());
    Operator dq = only(q, BuiltinOperator.DEQUANTIZE);
    assertSame(gather.output(0), dq.input(0));
    assertEquals("g", dq.output(0).name());
    List<dev.litequant.runtime.TensorValue> in = List.of(dev.litequant.runtime.TensorValue.ofInts(
        dev.litequant.graph.Shape.of(5), new int[] {0, 99, 3, 3, 42}));
    HybridModelComparison.compare(q, in);
  }
}
