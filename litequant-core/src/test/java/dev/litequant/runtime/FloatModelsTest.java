package dev.litequant.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.DequantizedByHand;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every float model in {@code ../shared/models} whose operators LiteQuant supports: every output
 * and every intermediate tensor agrees with TensorFlow Lite 2.6.2 within 1e-4 of the tensor's
 * largest magnitude, on random inputs of the model's natural range and on the shipped samples.
 */
class FloatModelsTest {
  /** Input ranges where [-1, 1] is not what the model expects. */
  private static final Map<String, float[]> RANGES = Map.of(
      "mlcommons-tiny/image_classification/pretrainedResnet.tflite", new float[] {0, 255},
      "tflite-micro/history/hello_world_no_quant.tflite", new float[] {0, 6.2832f},
      "ai-edge-quantizer/conv_fc_mnist.tflite", new float[] {0, 1},
      "tflite-micro/mnist_lstm/trained_lstm.tflite", new float[] {0, 1},
      "ai-edge-quantizer/single_rsqrt.tflite", new float[] {0.05f, 4},
      "ai-edge-quantizer/single_sqrt.tflite", new float[] {0, 4});

  /** Float models that must run (their operators are all supported); others may skip. */
  private static final List<String> MUST_RUN = List.of(
      "tflite-micro/history/hello_world_no_quant.tflite",
      "tflite-micro/history/magic_wand.tflite",
      "tflite-micro/mnist_lstm/trained_lstm.tflite",
      "mlcommons-tiny/image_classification/pretrainedResnet.tflite",
      "ai-edge-quantizer/conv_fc_mnist.tflite",
      "ai-edge-quantizer/branching_conv_fc.tflite",
      "ai-edge-quantizer/toy_model_with_kv_cache_multi_signature.tflite",
      "ai-edge-quantizer/bmm.tflite");

  @TestFactory
  Stream<DynamicTest> everyFloatModelMatchesTheOracle() {
    return SharedModels.allTflite().stream()
        .map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> check(p, 0)));
  }

  @Test
  void theModelsThatMustRunAreSupported() {
    List<String> failures = new ArrayList<>();
    for (String name : MUST_RUN) {
      Model m = ModelReader.read(SharedModels.path(name));
      try {
        Interpreter.create(m);
      } catch (UnsupportedModelException e) {
        failures.add(name + ": " + e.getMessage());
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void check(Path p, long seed) {
    Model m = ModelReader.read(p);
    boolean floatModel = m.mainSubgraph().inputs().stream().allMatch(t -> t.type() != DataType.INT8
        && t.type() != DataType.UINT8 && t.type() != DataType.INT16);
    assumeTrue(floatModel, "not a float model");
    try {
      Interpreter.create(m, InterpreterOptions.referenceKernels());
    } catch (UnsupportedModelException e) {
      assumeTrue(false, e.getMessage());
    }
    // 2.6.2 computes a hybrid FULLY_CONNECTED with per-channel weights as its bias alone
    // (int8-arithmetic.md, section 0): it is no reference for such a model.
    assumeTrue(!hasPerChannelHybridDense(m), "a hybrid FULLY_CONNECTED with per-channel weights, which "
        + "TensorFlow Lite 2.6.2 computes wrongly (only the bias)");
    String name = SharedModels.name(p);
    switch (name) {
      case "ai-edge-quantizer/mnist_quantized.tflite", "ai-edge-quantizer/partly_quantized_mnist.tflite" ->
          name = "ai-edge-quantizer/conv_fc_mnist.tflite";
      default -> { }
    }
    float[] range = RANGES.getOrDefault(name, new float[] {-1, 1});
    // 2.6.2 dequantizes per-axis int8 weights as zeros: those models are compared with a copy
    // whose weights were dequantized by hand.
    Model reference = DequantizedByHand.needed(m) ? DequantizedByHand.rewrite(m) : m;
    double tol = OracleComparison.FLOAT_TOLERANCE;
    for (int s = 0; s < 2; s++) {
      List<TensorValue> inputs = OracleComparison.randomInputs(m, seed + s, range[0], range[1]);
      OracleComparison.compare(m, reference, inputs, InterpreterOptions.defaults(), tol);
      OracleComparison.compare(m, reference, inputs, InterpreterOptions.referenceKernels(), tol);
    }
    for (List<TensorValue> sample : samples(name, m)) {
      OracleComparison.compare(m, reference, sample, InterpreterOptions.defaults(), tol);
    }
  }

  private static boolean hasPerChannelHybridDense(Model m) {
    return m.subgraphs().stream().flatMap(g -> g.operators().stream()).anyMatch(op ->
        op.is(dev.litequant.graph.BuiltinOperator.FULLY_CONNECTED) && op.input(0) != null
            && op.input(0).type() == DataType.FLOAT32 && op.input(1).type() == DataType.INT8
            && op.input(1).quantization() != null && op.input(1).quantization().isPerAxis());
  }

  /** The shipped sample inputs of a model, if it has any. */
  private static List<List<TensorValue>> samples(String name, Model m) {
    List<List<TensorValue>> out = new ArrayList<>();
    Tensor input = m.mainSubgraph().inputs().get(0);
    Shape shape = input.shape();
    Path root = SharedModels.root();
    switch (name) {
      case "ai-edge-quantizer/conv_fc_mnist.tflite" -> {
        for (float[] img : SampleInputs.grayImages(root.resolve("ai-edge-quantizer/mnist_images"), 28)) {
          out.add(List.of(SampleInputs.tensor(shape, img, 1f)));
        }
      }
      case "tflite-micro/mnist_lstm/trained_lstm.tflite" -> {
        for (float[] img : SampleInputs.grayImages(root.resolve("tflite-micro/mnist_lstm/samples"), 28)) {
          out.add(List.of(SampleInputs.tensor(shape, img, 1f)));
        }
      }
      case "mlcommons-tiny/image_classification/pretrainedResnet.tflite" -> {
        for (float[] img : SampleInputs.grayImages(root.resolve("tflite-micro/person_detection/testdata"), 32)) {
          float[] rgb = new float[32 * 32 * 3];
          for (int i = 0; i < rgb.length; i++) {
            rgb[i] = img[i / 3];
          }
          out.add(List.of(SampleInputs.tensor(shape, rgb, 255f)));
        }
      }
      case "tflite-micro/history/magic_wand.tflite" -> {
        for (String f : new String[] {"magic_wand_ring_micro_features_data.cc", "magic_wand_slope_micro_features_data.cc"}) {
          float[] data = SampleInputs.floatArrayFromC(root.resolve("tflite-micro/history").resolve(f));
          out.add(List.of(SampleInputs.tensor(shape, data, 1f)));
        }
      }
      default -> { }
    }
    return out;
  }
}
