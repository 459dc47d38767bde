package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared float model that TensorFlow Lite 2.6.2 and LiteQuant's interpreter run quantizes
 * in both modes, and the result loads and runs in 2.6.2 (every signature); integer-only mode is
 * refused, naming the operators, exactly when an operator has no int8 form.
 */
class QuantizeSharedModelsTest {
  @TestFactory
  Stream<DynamicTest> everyFloatModelQuantizesAndRuns() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> check(p)));
  }

  private static void check(Path p) throws Exception {
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
    QuantizationResult fallback = quantize(bytes, m, QuantizationMode.INT8);
    runEverySignature(fallback.modelBytes(), ModelReader.read(fallback.modelBytes()));
    List<String> floats = new ArrayList<>();
    // A data move left float only because its producer is float needs no int8 form of its own.
    fallback.floatOperators().stream().filter(d -> !d.reason().contains("comes from a float operator"))
        .forEach(d -> floats.add("operator " + d.index() + (m.subgraphs().size() > 1 ? " of subgraph " + d.subgraph() : "")
            + " (" + d.op() + ")"));
    try {
      QuantizationResult only = quantize(bytes, m, QuantizationMode.INT8_ONLY);
      assertTrue(floats.isEmpty(), "integer-only succeeded although " + floats + " stayed float in int8 mode");
      assertEquals(0, only.floatOperators().size());
      runEverySignature(only.modelBytes(), ModelReader.read(only.modelBytes()));
    } catch (UnsupportedModelException e) {
      assertTrue(!floats.isEmpty(), "integer-only was refused but int8 mode kept nothing float: " + e.getMessage());
      for (String op : floats) {
        assertTrue(e.getMessage().contains(op), "the error does not name " + op + ": " + e.getMessage());
      }
    }
  }

  private static boolean isFloat(Model m) {
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
