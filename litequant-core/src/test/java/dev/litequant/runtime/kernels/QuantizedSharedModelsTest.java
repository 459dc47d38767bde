package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.PerChannelDenseAsConv;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The official quantized models in {@code ../shared/models}, run as far as LiteQuant's kernels
 * reach: each model is cut after its longest prefix of operators LiteQuant supports, and every
 * tensor of that prefix (outputs and intermediates) must be bit-identical with TensorFlow Lite
 * 2.6.2's (per-channel FULLY_CONNECTED, which 2.6.2 gets wrong, is compared with its 1x1 CONV_2D
 * rewrite, {@link PerChannelDenseAsConv}). The minimum lengths below are whole models, except the
 * keyword models, which need int16 SVDF (a later step).
 */
class QuantizedSharedModelsTest {
  /** Model -> the number of leading operators that must run at least. */
  private static final Map<String, Integer> MODELS = new TreeMap<>(Map.of(
      "tflite-micro/history/hello_world_old.tflite", 3,
      "tflite-micro/person_detection/person_detect.tflite", 31,
      "tflite-micro/micro_speech/models/micro_speech_quantized.tflite", 4,
      "mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite", 16,
      "ai-edge-quantizer/conv_fc_mnist_srq_a8w8.tflite", 6,
      "tflite-micro/models/keyword_scrambled.tflite", 1,
      "tflite-micro/models/keyword_scrambled_8bit.tflite", 1));

  /** The model cut after its first {@code n} operators; every tensor they produce is an output. */
  static Model prefix(byte[] bytes, int n) {
    Model m = ModelReader.read(bytes);
    Subgraph g = m.mainSubgraph();
    List<Operator> ops = g.operators();
    ops.subList(n, ops.size()).clear();
    g.outputs().clear();
    for (Operator op : ops) {
      g.outputs().addAll(op.outputs());
    }
    return m;
  }

  /** The longest prefix LiteQuant's interpreter accepts (0 operators if not even the first). */
  static int runnablePrefix(byte[] bytes) {
    int total = ModelReader.read(bytes).mainSubgraph().operators().size();
    for (int n = total; n > 0; n--) {
      try {
        Interpreter.create(prefix(bytes, n), InterpreterOptions.referenceKernels());
        return n;
      } catch (LiteQuantException e) {
        // Try a shorter prefix.
      }
    }
    return 0;
  }

  @TestFactory
  Stream<DynamicTest> officialInt8ModelsAsFarAsLiteQuantRuns() {
    return MODELS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      byte[] bytes = java.nio.file.Files.readAllBytes(SharedModels.path(e.getKey()));
      int total = ModelReader.read(bytes).mainSubgraph().operators().size();
      int n = runnablePrefix(bytes);
      Model m = prefix(bytes, n);
      assertTrue(n >= e.getValue(), e.getKey() + ": only " + n + " leading operators run, expected at least "
          + e.getValue());
      int tensors = 0;
      long elements = 0;
      List<List<TensorValue>> inputSets = new ArrayList<>();
      for (long seed = 0; seed < 3; seed++) {
        inputSets.add(OracleComparison.randomInputs(m, seed, -1, 1));
      }
      inputSets.addAll(samples(e.getKey(), m));
      Model reference = PerChannelDenseAsConv.rewrite(withValidQuantizedDimensions(m));
      for (List<TensorValue> inputs : inputSets) {
        for (InterpreterOptions options
            : List.of(InterpreterOptions.referenceKernels(), InterpreterOptions.defaults())) {
          OracleComparison.Report r;
          try {
            r = OracleComparison.compare(m, reference, inputs, options, OracleComparison.FLOAT_TOLERANCE);
          } catch (org.opentest4j.TestAbortedException refused) {
            throw new AssertionError(e.getKey() + ": " + refused.getMessage(), refused);
          }
          tensors += r.tensorsCompared();
        }
      }
      for (Tensor t : m.mainSubgraph().outputs()) {
        elements += t.shape().elementCount();
      }
      System.out.printf("%s: %d of %d operators %s run; their %d tensors (%d elements) bit-identical with "
          + "TensorFlow Lite 2.6.2 on each of %d inputs%n", e.getKey(), n, total, operatorKinds(m),
          tensors / 2 / inputSets.size(), elements, inputSets.size());
    }));
  }

  /**
   * A copy in which per-axis quantization along an axis the tensor does not have is moved to axis
   * 0. person_detect's converter wrote its 1-D biases with quantized_dimension 3, which 2.6.2
   * refuses when it loads the model; the integer convolutions never read a bias's scales, so the
   * copy computes the same values. Tensor indices are unchanged.
   */
  static Model withValidQuantizedDimensions(Model model) {
    Model m = ModelReader.read(dev.litequant.io.ModelWriter.write(model));
    for (Tensor t : m.mainSubgraph().tensors()) {
      Quantization q = t.quantization();
      if (q != null && q.isPerAxis() && q.axis() >= t.shape().rank()) {
        t.setQuantization(Quantization.perAxis(q.scales(), q.zeroPoints(), 0));
      }
    }
    return m;
  }

  private static String operatorKinds(Model m) {
    TreeMap<String, Integer> kinds = new TreeMap<>();
    for (Operator op : m.mainSubgraph().operators()) {
      kinds.merge(op.displayName(), 1, Integer::sum);
    }
    return kinds.toString();
  }

  /**
   * Real inputs where the models ship them: the person detection images as int8 (pixel - 128), the
   * MNIST digits quantized with the model's input parameters.
   */
  private static List<List<TensorValue>> samples(String name, Model m) {
    List<List<TensorValue>> out = new ArrayList<>();
    if (name.endsWith("conv_fc_mnist_srq_a8w8.tflite")) {
      Tensor input = m.mainSubgraph().inputs().get(0);
      Quantization q = input.quantization();
      for (float[] img : SampleInputs.grayImages(SharedModels.root().resolve("ai-edge-quantizer/mnist_images"), 28)) {
        byte[] codes = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
          codes[i] = (byte) Math.max(-128, Math.min(127, Math.round(img[i] / q.scale()) + q.zeroPoint()));
        }
        out.add(List.of(TensorValue.ofBytes(DataType.INT8, input.shape(), codes)));
      }
    }
    if (name.endsWith("person_detect.tflite")) {
      Tensor input = m.mainSubgraph().inputs().get(0);
      Quantization q = input.quantization();
      assumeTrue(input.type() == DataType.INT8 && q != null, "person_detect input is not int8");
      for (float[] img : SampleInputs.grayImages(SharedModels.root().resolve("tflite-micro/person_detection/testdata"),
          96)) {
        byte[] codes = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
          codes[i] = (byte) (Math.round(img[i] * 255) - 128);
        }
        out.add(List.of(TensorValue.ofBytes(DataType.INT8, input.shape(), codes)));
      }
    }
    return out;
  }

  /** hello_world_old (three int8 FULLY_CONNECTED layers) on every int8 input code. */
  @Test
  void helloWorldOnEveryInputCode() throws Exception {
    Model m = ModelReader.read(SharedModels.path("tflite-micro/history/hello_world_old.tflite"));
    Tensor input = m.mainSubgraph().inputs().get(0);
    assertTrue(input.type() == DataType.INT8 && input.shape().elementCount() == 1, input.toString());
    QuantizedOracle oracle = new QuantizedOracle("hello_world_old");
    for (int code = -128; code < 128; code++) {
      oracle.check("hello_world_old input " + code, m,
          List.of(TensorValue.ofBytes(DataType.INT8, input.shape(), (byte) code)));
    }
    System.out.println(oracle.summary());
  }

  /**
   * ai-edge-quantizer's partly_quantized_mnist: float convolution, QUANTIZE, then an int8
   * FULLY_CONNECTED with per-channel weights, which 2.6.2 computes as a constant. Up to that
   * operator the model runs in both interpreters on the MNIST sample digits; for 2.6.2 the
   * per-channel FULLY_CONNECTED is replaced by a 1x1 CONV_2D ({@link PerChannelDenseAsConv}), which
   * 2.6.2 computes correctly. Its int8 output must equal LiteQuant's FULLY_CONNECTED output bit for
   * bit.
   */
  @Test
  void perChannelFullyConnectedOfPartlyQuantizedMnist() throws Exception {
    byte[] bytes = java.nio.file.Files.readAllBytes(
        SharedModels.path("ai-edge-quantizer/partly_quantized_mnist.tflite"));
    Model probe = ModelReader.read(bytes);
    int fc = -1;
    for (int i = 0; i < probe.mainSubgraph().operators().size(); i++) {
      Operator op = probe.mainSubgraph().operators().get(i);
      if (op.is(BuiltinOperator.FULLY_CONNECTED) && op.inputs().get(0).type() == DataType.INT8) {
        fc = i;
        break;
      }
    }
    assertTrue(fc > 0, "no int8 FULLY_CONNECTED");
    Model ours = prefix(bytes, fc + 1);
    ours.mainSubgraph().outputs().clear();
    ours.mainSubgraph().outputs().add(ours.mainSubgraph().operators().get(fc).outputs().get(0));
    assertTrue(PerChannelDenseAsConv.applies(ours), "the weights are per channel");
    Model theirs = PerChannelDenseAsConv.rewrite(ours);
    int units = ours.mainSubgraph().operators().get(fc).inputs().get(1).shape().dims()[0];

    Tensor input = ours.mainSubgraph().inputs().get(0);
    int compared = 0;
    java.util.Set<Byte> distinct = new java.util.HashSet<>();
    for (float[] img : SampleInputs.grayImages(SharedModels.root().resolve("ai-edge-quantizer/mnist_images"), 28)) {
      List<TensorValue> in = List.of(SampleInputs.tensor(input.shape(), img, 1f));
      byte[] mine = QuantizedOracle.run(ours, in, InterpreterOptions.referenceKernels()).get(0).bytes();
      byte[] oracle = QuantizedOracle.oracle(theirs, in).get(0);
      List<String> diffs = QuantizedOracle.differences(DataType.INT8, mine, oracle, 6);
      assertTrue(diffs.isEmpty(), "per-channel FULLY_CONNECTED differs from 2.6.2's 1x1 CONV_2D at " + diffs);
      compared += mine.length;
      for (byte b : mine) {
        distinct.add(b);
      }
    }
    assertTrue(compared >= 10 * units, compared + " outputs");
    // 2.6.2's own per-channel FULLY_CONNECTED would give the zero point everywhere; these vary.
    assertTrue(distinct.size() > 10, distinct.size() + " distinct output codes");
  }
}
