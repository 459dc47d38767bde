package dev.litequant.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The HTML report renders in a real browser: headless Chromium (installed by {@code .ci/run})
 * loads it from disk with the network off, logs no console error, and runs the page's count of the
 * charts it drew; a screenshot is kept under {@code target/} for people.
 */
class HtmlReportBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path OUT = Path.of("target", "report-test");

  @Test
  void resnetReportRendersInHeadlessChromium() throws Exception {
    boolean required = "1".equals(System.getenv("LITEQUANT_REQUIRE_CHROMIUM"));
    assertTrue(!required || Files.isExecutable(CHROMIUM), "Chromium is required here (LITEQUANT_REQUIRE_CHROMIUM=1) "
        + "but not installed at " + CHROMIUM);
    assumeTrue(Files.isExecutable(CHROMIUM), "Skipped: Chromium is not installed at " + CHROMIUM
        + " (.ci/run installs the Debian package chromium).");
    byte[] f = Files.readAllBytes(SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet.tflite"));
    byte[] q = Files.readAllBytes(
        SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite"));
    List<List<TensorValue>> images = new ArrayList<>();
    for (float[] g : SampleInputs.grayImages(SharedModels.root().resolve("tflite-micro/person_detection/testdata"),
        32)) {
      float[] rgb = new float[32 * 32 * 3];
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] = g[i / 3] * 255f;
      }
      images.add(List.of(TensorValue.ofFloats(Shape.of(1, 32, 32, 3), rgb)));
    }
    EvaluationReport report = Evaluator.of(f, q).evaluate(images);
    String html = HtmlReport.render(report, "pretrainedResnet.tflite", "pretrainedResnet_quant.tflite");
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains(" src="),
        "the report is self-contained");
    Files.createDirectories(OUT);
    Path page = OUT.resolve("report.html").toAbsolutePath();
    Files.writeString(page, html, StandardCharsets.UTF_8);

    Result dom = chromium(List.of("--dump-dom", page.toUri().toString()));
    Matcher charts = Pattern.compile("data-charts=\"(\\d+)\"").matcher(dom.stdout());
    assertTrue(charts.find(), "the page's script did not run: " + dom.stdout().substring(0,
        Math.min(300, dom.stdout().length())));
    assertEquals(1 + 4, Integer.parseInt(charts.group(1)), "the SQNR chart and four histograms");
    assertTrue(dom.stdout().contains("<rect"), "the charts have bars");
    for (String line : dom.stderr().split("\n")) {
      assertFalse(line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("ERROR")),
          "console error: " + line);
    }
    Path shot = OUT.resolve("report.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    chromium(List.of("--screenshot=" + shot, "--window-size=1200,2200", "--hide-scrollbars",
        page.toUri().toString()));
    assertTrue(Files.size(shot) > 10_000, "a screenshot of the report was saved: " + shot);
  }

  private record Result(String stdout, String stderr) {}

  private static Result chromium(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("litequant-chromium");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile));
    cmd.addAll(args);
    Path out = Files.createTempFile("chromium", ".out");
    Path err = Files.createTempFile("chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "Chromium did not finish in 120 s");
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertEquals(0, p.exitValue(), "Chromium failed: " + stderr);
    return new Result(stdout, stderr);
  }
}
