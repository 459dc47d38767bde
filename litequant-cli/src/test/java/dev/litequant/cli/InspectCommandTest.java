package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litequant.io.ModelWriter;
import dev.litequant.testing.SharedModels;
import dev.litequant.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;

class InspectCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> inspectsEverySharedModel() {
    return SharedModels.allTflite().stream().map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> {
      CliRunner text = CliRunner.run("inspect", p.toString());
      assertEquals(0, text.exitCode(), text.err());
      assertTrue(text.out().contains("Operators ("), text.out());
      CliRunner json = CliRunner.run("inspect", "--json", p.toString());
      assertEquals(0, json.exitCode(), json.err());
      checkJsonAgainstGeneratedDecoder(JSON.readTree(json.out()), Files.readAllBytes(p));
    }));
  }

  /** Operator counts and versions in the JSON match an independent decoding of the file. */
  private static void checkJsonAgainstGeneratedDecoder(JsonNode root, byte[] file) {
    ModelT gen = org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(file)).unpack();
    Map<String, Integer> expected = new HashMap<>();
    for (SubGraphT g : gen.getSubgraphs()) {
      for (OperatorT op : g.getOperators()) {
        OperatorCodeT c = gen.getOperatorCodes()[(int) op.getOpcodeIndex()];
        int code = Math.max(c.getDeprecatedBuiltinCode(), c.getBuiltinCode());
        expected.merge(code + "/" + c.getVersion(), 1, Integer::sum);
      }
    }
    Map<String, Integer> actual = new HashMap<>();
    for (JsonNode op : root.get("operators")) {
      String name = op.get("op").asText();
      int code = name.startsWith("CUSTOM:") ? 32 : dev.litequant.graph.BuiltinOperator.valueOf(name).code();
      actual.merge(code + "/" + op.get("version").asInt(), op.get("count").asInt(), Integer::sum);
    }
    assertEquals(expected, actual);
    assertEquals(file.length, root.get("file_bytes").asLong());
    assertEquals(gen.getSubgraphs().length, root.get("subgraphs").size());
    int[] inputs = gen.getSubgraphs()[0].getInputs();
    JsonNode in = root.get("subgraphs").get(0).get("inputs");
    assertEquals(inputs.length, in.size());
    for (int i = 0; i < inputs.length; i++) {
      assertEquals(inputs[i], in.get(i).get("index").asInt());
      assertEquals(Arrays.toString(gen.getSubgraphs()[0].getTensors()[inputs[i]].getShape()),
          in.get(i).get("shape").toString().replace(",", ", "));
    }
  }

  @Test
  void reportsPerChannelWeightsAndTheirAxis() throws Exception {
    Path resnet = SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite");
    CliRunner r = CliRunner.run("inspect", resnet.toString());
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("per-channel, axis 0 (16)  CONV_2D input 1"), r.out());
    assertTrue(r.out().contains("CONV_2D          v3  x9"), r.out());
    JsonNode json = JSON.readTree(CliRunner.run("inspect", "--json", resnet.toString()).out());
    long perChannelConv = 0;
    for (JsonNode w : json.get("quantized_constants")) {
      if (w.get("used_by").asText().startsWith("CONV_2D input 1")) {
        assertEquals("per-channel", w.get("scheme").asText());
        assertEquals(0, w.get("axis").asInt());
        perChannelConv++;
      }
    }
    assertEquals(9, perChannelConv);
  }

  @Test
  void truncatedModelIsACleanUserError(@TempDir Path dir) throws Exception {
    byte[] bytes = ModelWriter.write(TinyModels.fullyConnected());
    Path bad = dir.resolve("bad.tflite");
    Files.write(bad, Arrays.copyOf(bytes, bytes.length - 100));
    CliRunner r = CliRunner.run("inspect", bad.toString());
    assertTrue(r.isCleanUserError(), r.err());
    assertTrue(r.err().contains("Malformed model file"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void missingFileAndMissingArgumentsAreUserErrors() {
    CliRunner missing = CliRunner.run("inspect", "/no/such/model.tflite");
    assertTrue(missing.isCleanUserError(), missing.err());
    assertTrue(missing.err().contains("does not exist"));
    CliRunner noArg = CliRunner.run("inspect");
    assertTrue(noArg.isCleanUserError(), noArg.err());
    assertTrue(noArg.err().contains("MODEL"), noArg.err());
    CliRunner noCommand = CliRunner.run();
    assertTrue(noCommand.isCleanUserError(), noCommand.err());
    CliRunner badOption = CliRunner.run("inspect", "--frobnicate", "x.tflite");
    assertTrue(badOption.isCleanUserError(), badOption.err());
  }

  @Test
  void helpTeaches() {
    CliRunner top = CliRunner.run("--help");
    assertEquals(0, top.exitCode());
    assertTrue(top.out().contains("inspect"), top.out());
    CliRunner inspect = CliRunner.run("inspect", "--help");
    assertEquals(0, inspect.exitCode());
    assertTrue(inspect.out().contains("Examples:"), inspect.out());
    assertTrue(inspect.out().contains("--json"), inspect.out());
  }
}
