package dev.litequant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litequant evaluate} on the shared pairs and {@code quantize --min-sqnr}: tables, JSON, CSV
 * and the HTML report are written; every mistake ends with exit code 2 and no files.
 */
class EvaluateCommandTest {
  private static final String MNIST = "ai-edge-quantizer/conv_fc_mnist.tflite";
  private static final String MNIST_IMAGES = "ai-edge-quantizer/mnist_images";
  /** The MNIST folder in natural order: resized9, sample0 ... sample9. */
  private static final String LABELS = "9\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n";

  @TempDir Path dir;

  private Path labels() throws IOException {
    Path p = dir.resolve("labels.txt");
    Files.writeString(p, LABELS);
    return p;
  }

  private Path mnistInt8() {
    Path out = dir.resolve("mnist_int8.tflite");
    CliRunner r = CliRunner.run("quantize", SharedModels.path(MNIST).toString(), "--mode", "int8", "--data",
        SharedModels.root().resolve(MNIST_IMAGES).toString(), "--scale", "1/255", "-q", "-o", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  @Test
  void mnistAgainstLiteQuantsInt8ModelWithLabelsAndEveryOutputForm() throws IOException {
    Path q = mnistInt8();
    Path csv = dir.resolve("layers.csv");
    Path report = dir.resolve("report.html");
    CliRunner r = CliRunner.run("evaluate", SharedModels.path(MNIST).toString(), q.toString(), "--data",
        SharedModels.root().resolve(MNIST_IMAGES).toString(), "--scale", "1/255", "--labels", labels().toString(),
        "--csv", csv.toString(), "--report", report.toString());
    assertEquals(0, r.exitCode(), r.err());
    for (String s : List.of("on 11 images", "output 0", "SQNR", "top-1", "accuracy     float 100.0%",
        "Layers, worst first", "FULLY_CONNECTED", "Wrote the report")) {
      assertTrue(r.out().contains(s), "prints " + s + ":\n" + r.out());
    }
    assertTrue(r.err().contains("evaluating: 11/11"), "progress on stderr: " + r.err());
    assertTrue(Files.readString(csv).startsWith("tensor,float_tensor,operator_index,"), "CSV header");
    assertEquals(10, Files.readAllLines(csv).size(), "a header and one line per layer");
    String html = Files.readString(report);
    assertTrue(html.contains("<svg class=\"chart\"") && html.contains("conv_fc_mnist.tflite"), "HTML report");

    CliRunner json = CliRunner.run("evaluate", SharedModels.path(MNIST).toString(), q.toString(), "--data",
        SharedModels.root().resolve(MNIST_IMAGES).toString(), "--scale", "1/255", "--labels", labels().toString(),
        "--json", "-q");
    assertEquals(0, json.exitCode(), json.err());
    JsonNode root = new ObjectMapper().readTree(json.out());
    assertEquals(11, root.path("model").path("samples").asInt());
    assertEquals(1.0, root.path("model").path("float_accuracy").asDouble());
    assertEquals(9, root.path("layers").size());
    assertTrue(root.path("model").path("output_sqnr_db").get(0).asDouble() > 20);
    assertEquals("", json.err(), "--quiet: no progress");
  }

  @Test
  void resnetAgainstTheOfficialInt8Model() {
    CliRunner r = CliRunner.run("evaluate",
        SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet.tflite").toString(),
        SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite").toString(), "--data",
        SharedModels.root().resolve("tflite-micro/person_detection/testdata").toString(), "--all");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("on 2 images") && r.out().contains("SOFTMAX") && r.out().contains("CONV_2D"),
        r.out());
    assertFalse(r.out().contains("--all lists every one"), "--all shows every layer");
  }

  @Test
  void mnistAgainstThePartlyQuantizedModel() throws IOException {
    CliRunner r = CliRunner.run("evaluate", SharedModels.path(MNIST).toString(),
        SharedModels.path("ai-edge-quantizer/partly_quantized_mnist.tflite").toString(), "--data",
        SharedModels.root().resolve(MNIST_IMAGES).toString(), "--scale", "1/255", "--labels", labels().toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("accuracy     float 100.0%, quantized "), r.out());
  }

  @Test
  void quantizeKeepsLayersFloatUntilTheSqnrBoundHolds() {
    Path out = dir.resolve("mnist_bound.tflite");
    CliRunner r = CliRunner.run("quantize", SharedModels.path(MNIST).toString(), "--mode", "int8", "--data",
        SharedModels.root().resolve(MNIST_IMAGES).toString(), "--scale", "1/255", "--min-sqnr", "45", "-o",
        out.toString());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("bound:     output SQNR >= 45.0 dB"), r.out());
    assertTrue(r.out().contains("kept float to meet it ("), r.out());
    assertTrue(r.err().contains("all layers quantized: output SQNR") && r.err().contains("meets the bound"),
        r.err());
    assertTrue(Files.exists(out));
  }

  @Test
  void mistakesAreUserErrorsAndWriteNothing() throws IOException {
    Path q = mnistInt8();
    Path report = dir.resolve("r.html");
    String f = SharedModels.path(MNIST).toString();
    String data = SharedModels.root().resolve(MNIST_IMAGES).toString();
    assertUserError(List.of("evaluate", f, q.toString(), "--report", report.toString()), "needs --data");
    Path wrongLabels = dir.resolve("few.txt");
    Files.writeString(wrongLabels, "1\n2\n");
    assertUserError(List.of("evaluate", f, q.toString(), "--data", data, "--scale", "1/255", "--labels",
        wrongLabels.toString(), "--report", report.toString()), "labels");
    assertUserError(List.of("evaluate", q.toString(), f, "--data", data, "--scale", "1/255"),
        "The first model must be the float one");
    assertUserError(List.of("evaluate", f,
        SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite").toString(), "--data",
        data), "do not have the same interface");
    assertUserError(List.of("quantize", f, "--mode", "int8-only", "--data", data, "--min-sqnr", "30", "-o",
        dir.resolve("x.tflite").toString()), "needs a mode with float fallback");
    assertFalse(Files.exists(report), "no report after an error");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("few.txt", "mnist_int8.tflite").size(), files.count(),
          "nothing else was written");
    }
  }

  private static void assertUserError(List<String> args, String expected) {
    CliRunner r = CliRunner.run(args.toArray(String[]::new));
    assertTrue(r.isCleanUserError(), "exit " + r.exitCode() + ": " + r.err());
    assertTrue(r.err().contains(expected), "the message says " + expected + ": " + r.err());
  }
}
