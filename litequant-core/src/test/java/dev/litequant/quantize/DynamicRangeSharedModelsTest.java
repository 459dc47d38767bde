package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.testing.RandomInputs;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared float model that TensorFlow Lite 2.6.2 and LiteQuant's interpreter both run
 * quantizes in dynamic-range mode; the result loads and runs in 2.6.2 (every signature), and
 * LiteQuant's interpreter computes every tensor of its main subgraph exactly as 2.6.2 does.
 */
class DynamicRangeSharedModelsTest {
  @TestFactory
  Stream<DynamicTest> everyFloatModelQuantizesAndRunsBitIdentical() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> check(p)));
  }

  private static void check(Path p) throws Exception {
    byte[] bytes = Files.readAllBytes(p);
    Model m = ModelReader.read(bytes);
    skipUnless(isFloat(m), p, "not a float model");
    try {
      Interpreter.create(m);
    } catch (UnsupportedModelException e) {
      skipUnless(false, p, "LiteQuant's interpreter cannot run it: " + e.getMessage());
    }
    try {
      runEverySignature(bytes, m);
    } catch (TfLiteOracle.RejectedException e) {
      skipUnless(false, p, "TensorFlow Lite 2.6.2 cannot run the float model: " + e.getMessage());
    }
    QuantizationResult r = Quantizer.fromBytes(bytes).mode(QuantizationMode.DYNAMIC).quantize();
    byte[] out = r.modelBytes();
    Model q = ModelReader.read(out);
    runEverySignature(out, q);
    HybridModelComparison.Result c = HybridModelComparison.compare(q, OracleComparison.randomInputs(q, 5, -1f, 1f));
    assertTrue(c.tensors() > 0);
    System.out.println("dynamic " + SharedModels.name(p) + ": " + r.quantizedCount() + " operators with int8 weights ("
        + c.hybridOps() + " hybrid), " + r.floatOperators().size() + " float; " + bytes.length + " -> " + out.length
        + " bytes; " + c.tensors() + " tensors compared, " + c.identical() + " bit-identical, " + c.exactRequired()
        + " required bit-identical; hybrid operators replayed alone on 2.6.2's inputs: " + c.replayedElements()
        + " output elements bit-identical");
  }

  private static void skipUnless(boolean condition, Path p, String why) {
    if (!condition) {
      System.out.println("dynamic " + SharedModels.name(p) + ": skipped, " + why);
    }
    assumeTrue(condition, "Skipped: " + why);
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

  /** Runs the main subgraph and every signature's subgraph on zero inputs in TensorFlow Lite 2.6.2. */
  static void runEverySignature(byte[] bytes, Model m) {
    TfLiteOracle.run(bytes, RandomInputs.zeros(m));
    for (SignatureDef s : m.signatures()) {
      if (m.indexOf(s.subgraph()) != 0) {
        byte[] asMain = SignatureAsMain.rewrite(bytes, s.key());
        TfLiteOracle.run(asMain, RandomInputs.zeros(ModelReader.read(asMain)));
      }
    }
  }
}
