package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared float model that TensorFlow Lite 2.6.2 and LiteQuant's interpreter run quantizes (int8
 * and 16x8)
 * in both modes, and the result loads and runs in 2.6.2 (every signature); integer-only mode is
 * refused, naming the operators, exactly when an operator has no int8 form.
 */
class QuantizeSharedModelsTest {
  @TestFactory
  Stream<DynamicTest> everyFloatModelQuantizesAndRuns() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p),
        () -> check(p, QuantizationMode.INT8, QuantizationMode.INT8_ONLY)));
  }

  @TestFactory
  Stream<DynamicTest> everyFloatModelQuantizesAndRunsIn16x8() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p),
        () -> check(p, QuantizationMode.INT16X8, QuantizationMode.INT16X8_ONLY)));
  }

  private static void check(Path p, QuantizationMode withFallback, QuantizationMode only) throws Exception {
    byte[] bytes = Files.readAllBytes(p);
    Model m = ModelReader.read(bytes);
    assumeTrue(isFloat(m), "not a float model");
    try {
      Interpreter.create(m);
    } catch (UnsupportedModelException e) {
      assumeTrue(false, "LiteQuant's interpreter cannot run it: " + e.getMessage());
    }
    try {
      runEverySignature(bytes, m);
    } catch (TfLiteOracle.RejectedException e) {
      assumeTrue(false, "TensorFlow Lite 2.6.2 cannot run the float model: " + e.getMessage());
    }
    QuantizationResult fallback = quantize(bytes, m, withFallback);
    runEverySignature(fallback.modelBytes(), ModelReader.read(fallback.modelBytes()));
    sameIntegersAsTensorFlowLite(fallback.modelBytes());
    List<String> floats = new ArrayList<>();
    // A data move left float only because its producer is float needs no int8 form of its own.
    fallback.floatOperators().stream().filter(d -> !d.reason().contains("comes from a float operator"))
        .forEach(d -> floats.add("operator " + d.index() + (m.subgraphs().size() > 1 ? " of subgraph " + d.subgraph() : "")
            + " (" + d.op() + ")"));
    try {
      QuantizationResult onlyResult = quantize(bytes, m, only);
      assertTrue(floats.isEmpty(), only.cliName() + " succeeded although " + floats + " stayed float in "
          + withFallback.cliName() + " mode");
      assertEquals(0, onlyResult.floatOperators().size());
      runEverySignature(onlyResult.modelBytes(), ModelReader.read(onlyResult.modelBytes()));
      sameIntegersAsTensorFlowLite(onlyResult.modelBytes());
    } catch (UnsupportedModelException e) {
      assertTrue(!floats.isEmpty(), only.cliName() + " was refused but " + withFallback.cliName()
          + " mode kept nothing float: " + e.getMessage());
      for (String op : floats) {
        assertTrue(e.getMessage().contains(op), "the error does not name " + op + ": " + e.getMessage());
      }
    }
  }

  /**
   * LiteQuant's interpreter and 2.6.2 agree on the main subgraph's every tensor: integers exactly
   * up to the first float operator. Past one, a float result that differs in the last bit (libm)
   * may round to a neighbouring code in the next QUANTIZE, so integers there may differ by a few
   * codes, and floats computed from them by as much.
   */
  private static void sameIntegersAsTensorFlowLite(byte[] bytes) {
    Model q = ModelReader.read(bytes);
    List<dev.litequant.runtime.TensorValue> inputs = OracleComparison.randomInputs(q, 11, 0f, 1f);
    Set<Tensor> afterFloat = downstreamOfFloatOperators(q.mainSubgraph());
    if (afterFloat.isEmpty()) {
      OracleComparison.compareStrict(q, inputs, InterpreterOptions.defaults());
      return;
    }
    Map<Integer, TfLiteOracle.Output> theirs = dev.litequant.oracle.ExposedModel.of(bytes).runWithShapes(
        inputs.stream().map(dev.litequant.runtime.TensorValue::toBytes).toList());
    Map<Integer, dev.litequant.runtime.TensorValue> ours = OracleComparison.runObservingAll(q, inputs,
        InterpreterOptions.defaults());
    for (Map.Entry<Integer, TfLiteOracle.Output> e : theirs.entrySet()) {
      Tensor t = q.mainSubgraph().tensors().get(e.getKey());
      dev.litequant.runtime.TensorValue mine = ours.get(e.getKey());
      dev.litequant.runtime.TensorValue other = dev.litequant.runtime.TensorValue.fromBytes(t.type(), mine.shape(),
          e.getValue().data());
      double err = OracleComparison.difference(mine, other, t);
      if (t.type() == DataType.FLOAT32) {
        // Past a float operator, integers may differ by a few codes, and float results of them by as
        // much: 3 int16 codes are 1e-4 of the range.
        double tolerance = afterFloat.contains(t) ? 1e-3 : OracleComparison.FLOAT_TOLERANCE;
        assertTrue(err <= tolerance, () -> "tensor " + t + " differs from TensorFlow Lite 2.6.2: relative error "
            + err);
      } else if (afterFloat.contains(t) && t.isQuantized()) {
        int codes = maxCodeDifference(mine, other);
        assertTrue(codes <= 3, () -> "tensor " + t + " differs from TensorFlow Lite 2.6.2 by " + codes + " codes");
      } else {
        assertEquals(0.0, err, () -> "tensor " + t + " differs from TensorFlow Lite 2.6.2");
      }
    }
  }

  private static int maxCodeDifference(dev.litequant.runtime.TensorValue a, dev.litequant.runtime.TensorValue b) {
    byte[] x = a.toBytes();
    byte[] y = b.toBytes();
    int worst = 0;
    int width = a.type() == DataType.INT16 ? 2 : a.type() == DataType.INT32 ? 4 : 1;
    java.nio.ByteBuffer bx = java.nio.ByteBuffer.wrap(x).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    java.nio.ByteBuffer by = java.nio.ByteBuffer.wrap(y).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + width <= x.length; i += width) {
      long u = width == 1 ? (a.type() == DataType.UINT8 ? x[i] & 0xFF : x[i]) : width == 2 ? bx.getShort(i) : bx.getInt(i);
      long v = width == 1 ? (a.type() == DataType.UINT8 ? y[i] & 0xFF : y[i]) : width == 2 ? by.getShort(i) : by.getInt(i);
      worst = (int) Math.max(worst, Math.abs(u - v));
    }
    return worst;
  }

  /** Tensors computed by a float operator or, transitively, from one. */
  private static Set<Tensor> downstreamOfFloatOperators(dev.litequant.graph.Subgraph g) {
    Set<Tensor> tainted = new HashSet<>();
    for (dev.litequant.graph.Operator op : g.operators()) {
      boolean floatOp = !op.is(dev.litequant.graph.BuiltinOperator.DEQUANTIZE)
          && !op.is(dev.litequant.graph.BuiltinOperator.QUANTIZE) && SelectOperators.touchesFloat(op);
      boolean fromTainted = op.inputs().stream().anyMatch(t -> t != null && tainted.contains(t));
      if (floatOp || fromTainted) {
        tainted.addAll(op.outputs());
      }
    }
    return tainted;
  }

  static boolean isFloat(Model m) {
    for (var g : m.subgraphs()) {
      for (var op : g.operators()) {
        for (Tensor t : op.outputs()) {
          if (t.isQuantized()) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static QuantizationResult quantize(byte[] bytes, Model m, QuantizationMode mode) {
    return Quantizer.fromBytes(bytes).mode(mode).representativeDataset(DatasetSpec.parse("random:8", m).dataset())
        .quantize();
  }

  /** Runs the main subgraph and every signature's subgraph on zero inputs in TensorFlow Lite 2.6.2. */
  private static void runEverySignature(byte[] bytes, Model m) {
    List<byte[]> zeros = dev.litequant.testing.RandomInputs.zeros(m);
    TfLiteOracle.run(bytes, zeros);
    for (SignatureDef s : m.signatures()) {
      if (m.indexOf(s.subgraph()) != 0) {
        byte[] asMain = SignatureAsMain.rewrite(bytes, s.key());
        TfLiteOracle.run(asMain, dev.litequant.testing.RandomInputs.zeros(ModelReader.read(asMain)));
      }
    }
  }
}
