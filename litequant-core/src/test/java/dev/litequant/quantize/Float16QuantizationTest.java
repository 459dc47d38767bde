package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Metadata;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.DequantizedByHand;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.testing.RandomInputs;
import dev.litequant.testing.SharedModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * float16 mode: half-precision constants behind DEQUANTIZE, the metadata entry, sizes; every shared
 * float model converts, runs in TensorFlow Lite 2.6.2, and LiteQuant's interpreter computes the same
 * floats (the dequantized weights bit for bit).
 */
class Float16QuantizationTest {
  private static QuantizationResult float16(Model m) {
    return Quantizer.fromModel(m).mode(QuantizationMode.FLOAT16).quantize();
  }

  /** y = x * w1 + w1 + w2: w1 read by two operators, w2 holds values a half cannot represent exactly. */
  private static Model twoConstants(float[] w2) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, w2.length);
    Tensor w1 = b.constant("w1", new float[] {1f, 0.5f, -2f, 3f, 1f, 1f, 1f, 1f}, 1, w2.length);
    Tensor p = b.apply(BuiltinOperator.MUL, Table.of("MulOptions"), "p", DataType.FLOAT32, new int[] {1, w2.length},
        x, w1);
    Tensor q = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "q", DataType.FLOAT32, new int[] {1, w2.length},
        p, w1);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, w2.length},
        q, b.constant("w2", w2, 1, w2.length));
    return b.output(y).signature("serving_default").build();
  }

  @Test
  void constantsBecomeHalvesReadThroughOneDequantizeEach() {
    // Expected bit patterns worked out by hand from the IEEE half format (1 sign, 5 exponent, 10
    // fraction bits): 1 + 2^-11 is a tie and rounds to even (1.0), 1 + 3 * 2^-11 rounds up.
    float[] w2 = {1f, 1f / 3, (float) Math.scalb(1.0, -24), 1f + (float) Math.scalb(1.0, -11),
        1f + 3 * (float) Math.scalb(1.0, -11), 65504f, 70000f, -1e6f};
    short[] expected = {0x3C00, 0x3555, 0x0001, 0x3C00, 0x3C02, 0x7BFF, 0x7BFF, (short) 0xFBFF};
    QuantizationResult r = float16(twoConstants(w2));
    Model q = ModelReader.read(r.modelBytes());
    List<Operator> ops = q.mainSubgraph().operators();
    assertEquals("[DEQUANTIZE, MUL, ADD, DEQUANTIZE, ADD]", ops.stream().map(Operator::displayName).toList().toString(),
        "one DEQUANTIZE per constant, before its first reader");
    Tensor w2Half = ops.get(3).input(0);
    assertEquals(DataType.FLOAT16, w2Half.type());
    assertEquals("w2", ops.get(3).output(0).name(), "both tensors keep the constant's name");
    ByteBuffer bits = w2Half.buffer().view().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], bits.getShort(2 * i), "w2[" + i + "] = " + w2[i]);
    }
    assertEquals(3, ops.get(0).version(), "DEQUANTIZE of float16 is version 3");
    assertEquals(List.of("2 weight values are beyond float16's range (|x| > 65504) and became +-65504."),
        r.warnings());
    assertEquals(3, r.quantizedCount());
    Metadata meta = q.metadata().stream().filter(m -> m.name().equals("reduced_precision_support")).findFirst()
        .orElseThrow();
    assertEquals("fp16accfp32", StandardCharsets.US_ASCII.decode(meta.buffer().view()).toString());
  }

  @Test
  void keepFloatLeavesThatOperatorsConstantsInFloat32() {
    Model q = ModelReader.read(Quantizer.fromModel(twoConstants(new float[8])).mode(QuantizationMode.FLOAT16)
        .keepFloat("y").quantize().modelBytes());
    Operator last = q.mainSubgraph().operators().get(q.mainSubgraph().operators().size() - 1);
    assertEquals(DataType.FLOAT32, last.input(1).type());
    assertTrue(last.input(1).isConstant(), "w2 stays a float32 constant");
  }

  @TestFactory
  Stream<DynamicTest> everyFloatModelConvertsAndComputesTheSame() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> check(p)));
  }

  private static void check(Path p) throws Exception {
    byte[] bytes = Files.readAllBytes(p);
    Model m = ModelReader.read(bytes);
    assumeTrue(QuantizeSharedModelsTest.isFloat(m), "not a float model");
    try {
      Interpreter.create(m);
    } catch (UnsupportedModelException e) {
      assumeTrue(false, "LiteQuant's interpreter cannot run it: " + e.getMessage());
    }
    try {
      TfLiteOracle.run(bytes, RandomInputs.zeros(m));
    } catch (TfLiteOracle.RejectedException e) {
      assumeTrue(false, "TensorFlow Lite 2.6.2 cannot run the float model: " + e.getMessage());
    }
    QuantizationResult r = Quantizer.fromBytes(bytes).mode(QuantizationMode.FLOAT16).quantize();
    byte[] half = r.modelBytes();
    Model q = ModelReader.read(half);
    for (SignatureDef s : q.signatures()) {
      byte[] asMain = q.indexOf(s.subgraph()) == 0 ? half : SignatureAsMain.rewrite(half, s.key());
      TfLiteOracle.run(asMain, RandomInputs.zeros(ModelReader.read(asMain)));
    }
    // 2.6.2 gets per-axis DEQUANTIZE wrong (mnist_quantized keeps its int8 weights): compare with
    // those weights dequantized by hand instead.
    Model reference = DequantizedByHand.needed(q) ? DequantizedByHand.rewrite(q) : q;
    OracleComparison.compare(q, reference, OracleComparison.randomInputs(q, 5, 0f, 1f), InterpreterOptions.defaults(),
        OracleComparison.FLOAT_TOLERANCE);
    assertTrue(q.subgraphs().stream().flatMap(g -> g.tensors().stream())
        .noneMatch(t -> t.isConstant() && t.type() == DataType.FLOAT32 && t.shape().elementCount() > 0
            && usedByAnOperator(q, t)), "a float32 constant is left");
  }

  private static boolean usedByAnOperator(Model m, Tensor t) {
    return m.subgraphs().stream().flatMap(g -> g.operators().stream()).anyMatch(op -> op.inputs().contains(t));
  }

  @Test
  void resnetShrinksToAboutHalf() throws Exception {
    byte[] bytes = Files.readAllBytes(SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet.tflite"));
    QuantizationResult r = Quantizer.fromBytes(bytes).mode(QuantizationMode.FLOAT16).quantize();
    System.out.printf("ResNet-8 float16: %d -> %d bytes (%.3fx)%n", bytes.length, r.quantizedBytes(), r.sizeRatio());
    assertTrue(r.sizeRatio() <= 0.52, "size ratio " + r.sizeRatio());
  }
}
