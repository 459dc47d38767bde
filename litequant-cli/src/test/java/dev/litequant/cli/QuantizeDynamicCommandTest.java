package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.TfLiteOracle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litequant quantize --mode dynamic} on the project's sine example: with the threshold
 * lowered to its 16-element weights every FULLY_CONNECTED gets int8 weights, and the model still
 * computes sine in TensorFlow Lite 2.6.2; with the default threshold nothing is worth quantizing.
 */
class QuantizeDynamicCommandTest {
  private static final Path SINE = Path.of("..", "examples", "sine_float.tflite");

  @TempDir Path dir;

  @Test
  void lowThresholdQuantizesEveryLayerAndTheModelStillComputesSine() throws IOException {
    Path out = dir.resolve("sine_dynamic.tflite");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "dynamic", "--min-weight-elements", "16",
        "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("dynamic range: int8 weights, float activations"), r.out());
    assertTrue(r.out().contains("operators: 3 with int8 weights, 0 float"), r.out());

    byte[] bytes = Files.readAllBytes(out);
    Model q = ModelReader.read(bytes);
    List<Operator> fcs = q.mainSubgraph().operators().stream().filter(o -> o.is(BuiltinOperator.FULLY_CONNECTED))
        .toList();
    assertEquals(3, fcs.size());
    for (Operator fc : fcs) {
      assertEquals(DataType.INT8, fc.input(1).type());
      assertEquals(9, fc.version());
    }
    assertEquals(DataType.FLOAT32, q.mainSubgraph().inputs().get(0).type());
    float worst = 0;
    for (int i = 0; i <= 40; i++) {
      float x = (float) (2 * Math.PI * i / 40);
      byte[] in = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).array();
      byte[] result = TfLiteOracle.run(bytes, List.of(in)).get(0);
      float y = ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).getFloat();
      worst = Math.max(worst, Math.abs(y - (float) Math.sin(x)));
    }
    // The float model is within 0.1 of sine; int8 weights and inputs add little.
    assertTrue(worst < 0.15f, "max |y - sin x| in 2.6.2 = " + worst);
  }

  @Test
  void defaultThresholdLeavesSmallWeightsFloat() throws IOException {
    Path out = dir.resolve("sine_dynamic.tflite");
    CliRunner r = CliRunner.run("quantize", SINE.toString(), "--mode", "dynamic", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("operators: 0 with int8 weights, 3 float"), r.out());
    assertTrue(r.out().contains("fewer than --min-weight-elements 1024"), r.out());
    Model q = ModelReader.read(Files.readAllBytes(out));
    assertTrue(q.mainSubgraph().tensors().stream().noneMatch(t -> t.type() == DataType.INT8));
  }
}
