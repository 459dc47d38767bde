package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The seanet layers of tflite-micro ({@code ../shared/models/tflite-micro/seanet}): single 16x8
 * layers cut from a real network, each with int16 (or int32) input CSVs and the exact int16 output
 * TensorFlow Lite Micro computes. LiteQuant's interpreter must reproduce every golden output, with
 * its reference and its default kernels. Each layer also runs in TensorFlow Lite 2.6.2, whose
 * outcome (agrees with the golden output, or refuses the layer) is pinned per layer.
 */
class SeanetGoldenTest {
  /**
   * What TensorFlow Lite 2.6.2 does with each layer: "agrees", or a fragment of its refusal. Its
   * QUANTIZE takes no int32 input, which TensorFlow Lite Micro (and LiteQuant) requantize.
   */
  private static final Map<String, String> TFLITE_2_6_2 = Map.of("add0", "agrees", "conv0", "agrees", "conv1",
      "agrees", "leaky_relu0", "agrees", "pad0", "agrees", "quantize0",
      "refuses it: TensorFlow Lite 2.6.2 refused or failed: IllegalStateException: Internal error: Unexpected failure "
          + "when preparing tensor allocations: tensorflow/lite/kernels/quantize.cc:128 input->type == kTfLiteInt8 "
          + "|| input->type == kTfLiteUInt8 was not true.",
      "strided_slice0", "agrees", "sub0", "agrees", "transpose_conv0", "agrees");

  private static final Map<String, String> REPORT = new TreeMap<>();

  @AfterAll
  static void report() {
    REPORT.forEach((layer, line) -> System.out.println("seanet " + layer + ": " + line));
  }

  /** One layer: the model and its CSV files. */
  record Layer(String name, Path model, List<Path> inputs, Path golden) {}

  static List<Layer> layers() {
    Path root = SharedModels.root().resolve("tflite-micro/seanet");
    List<Layer> layers = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path model : files.filter(p -> p.toString().endsWith(".tflite")).sorted().toList()) {
        String base = model.getFileName().toString().replace(".tflite", "");
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; ; i++) {
          int index = i;
          try (Stream<Path> siblings = Files.list(model.getParent())) {
            Path p = siblings.filter(f -> f.getFileName().toString().startsWith(base + "_input" + index + "_"))
                .findFirst().orElse(null);
            if (p == null) {
              break;
            }
            inputs.add(p);
          }
        }
        layers.add(new Layer(base, model, inputs, model.resolveSibling(base + "_golden_int16.csv")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return layers;
  }

  static long[] readCsv(Path p) {
    try {
      String text = Files.readString(p).trim();
      return Arrays.stream(text.split("[,\\s]+")).mapToLong(Long::parseLong).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TensorValue value(Tensor t, long[] v) {
    int n = (int) t.shape().elementCount();
    assertEquals(n, v.length, "values for input " + t.name());
    return switch (t.type()) {
      case INT16 -> {
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
          s[i] = (short) v[i];
        }
        yield TensorValue.ofShorts(DataType.INT16, t.shape(), s);
      }
      case INT32 -> TensorValue.ofInts(t.shape(), Arrays.stream(v).mapToInt(x -> (int) x).toArray());
      default -> throw new IllegalArgumentException("seanet input of type " + t.type());
    };
  }

  @Test
  void everyLayerReproducesItsGoldenOutput() {
    List<Layer> layers = layers();
    assertTrue(layers.size() >= 8, "seanet layers found: " + layers.size());
    for (Layer layer : layers) {
      Model model = ModelFiles.read(layer.model());
      List<Tensor> inputTensors = model.mainSubgraph().inputs();
      assertEquals(inputTensors.size(), layer.inputs().size(), layer.name() + ": input CSVs");
      List<TensorValue> inputs = new ArrayList<>();
      for (int i = 0; i < inputTensors.size(); i++) {
        inputs.add(value(inputTensors.get(i), readCsv(layer.inputs().get(i))));
      }
      long[] golden = readCsv(layer.golden());
      short[] expected = new short[golden.length];
      for (int i = 0; i < golden.length; i++) {
        expected[i] = (short) golden[i];
      }
      for (InterpreterOptions options : List.of(InterpreterOptions.referenceKernels(), InterpreterOptions.defaults())) {
        TensorValue out = QuantizedOracle.run(model, inputs, options).get(0);
        assertArrayEquals(expected, out.shorts(), layer.name() + ": LiteQuant differs from the golden output");
      }
      String tfLite = tfLite(model, inputs, expected);
      REPORT.put(layer.name(), "LiteQuant reproduces all " + expected.length + " golden outputs; TensorFlow Lite 2.6.2 "
          + tfLite);
      String pinned = TFLITE_2_6_2.get(layer.name());
      assertTrue(pinned != null && tfLite.startsWith(pinned), layer.name() + ": TensorFlow Lite 2.6.2 " + tfLite);
    }
  }

  private static String tfLite(Model model, List<TensorValue> inputs, short[] expected) {
    List<byte[]> raw = new ArrayList<>();
    for (TensorValue v : inputs) {
      raw.add(v.toBytes());
    }
    try {
      byte[] theirs = TfLiteOracle.run(ModelWriter.write(model), raw).get(0);
      byte[] ours = TensorValue.ofShorts(DataType.INT16, Shape.of(expected.length), expected)
          .toBytes();
      int differ = QuantizedOracle.countDifferent(DataType.INT16, theirs, ours);
      return differ == 0 ? "agrees" : "differs on " + differ + " of " + expected.length;
    } catch (TfLiteOracle.RejectedException e) {
      return "refuses it: " + e.getMessage();
    }
  }
}
