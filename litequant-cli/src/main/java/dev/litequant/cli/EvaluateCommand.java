package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.evaluate.EvaluationReport;
import dev.litequant.evaluate.Evaluator;
import dev.litequant.evaluate.HtmlReport;
import dev.litequant.evaluate.LayerMetrics;
import dev.litequant.evaluate.ModelMetrics;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a quantized model against its float original: both run in",
      "LiteQuant's interpreter on --data, and every layer of the quantized model",
      "is compared with its float counterpart (the quantization debugger).",
      "",
      "Model level: output SQNR (signal-to-quantization-noise ratio, dB: 20 is",
      "1%% noise power, higher is better), largest error, top-1 agreement, and",
      "with labels the accuracy of both; time per sample; file sizes.",
      "",
      "Per layer, worst first: 'own' numbers measure the operator alone (its",
      "float twin run on the quantized layer's own inputs): an own RMSE of about",
      "0.29 of the layer's scale is rounding alone, above 0.7 is flagged.",
      "'vs float' numbers include what earlier layers passed on. A layer whose",
      "values on your data leave its quantized range is marked clipped.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  litequant evaluate model.tflite model_int8.tflite --data images/ \\",
      "      --labels labels.txt --scale 1/255 --report report.html",
      "  litequant evaluate model.tflite model_int8.tflite --data calib.npy --json",
      "  litequant evaluate model.tflite model_int8.tflite --data calib.npy \\",
      "      --csv layers.csv --all",
      "",
      DataOptions.DATA_FORMS
    })
final class EvaluateCommand implements Callable<Integer> {
  private static final int DEFAULT_ROWS = 15;

  @Parameters(index = "0", paramLabel = "FLOAT", description = "The float model.")
  Path floatModel;

  @Parameters(index = "1", paramLabel = "QUANT", description = "Its quantized form.")
  Path quantizedModel;

  @Mixin DataOptions dataOptions;

  @Option(names = "--json", description = "Print the whole evaluation as JSON instead of tables.")
  boolean json;

  @Option(names = "--csv", paramLabel = "FILE", description = "Also write the per-layer table as CSV.")
  Path csv;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write a self-contained HTML report: sizes, "
      + "a per-layer SQNR chart, histograms of the worst layers, and --keep-float suggestions.")
  Path report;

  @Option(names = "--all", description = "List every layer, not only the " + DEFAULT_ROWS + " worst.")
  boolean all;

  @Option(names = {"-q", "--quiet"}, description = "No progress.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] f = ModelFiles.readBytes(floatModel, "float model");
    byte[] q = ModelFiles.readBytes(quantizedModel, "quantized model");
    Evaluator evaluator = Evaluator.of(f, q);
    DatasetSpec data = dataOptions.load(ModelReader.read(f));
    if (data == null) {
      throw new InvalidArgumentException("evaluate needs --data: the samples both models run on (see DATA in "
          + "litequant evaluate --help).");
    }
    data.warnings().forEach(w -> err.println("litequant: warning: " + w));
    Progress progress = new Progress(err, "evaluating", quiet);
    long start = System.nanoTime();
    EvaluationReport r;
    try {
      r = evaluator.labels(data.labels()).listener(progress::update).evaluate(data.mainSamples());
    } finally {
      progress.finish();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (csv != null) {
      ModelFiles.writeAtomically(r.layersCsv().getBytes(StandardCharsets.UTF_8), csv);
    }
    if (report != null) {
      String html = HtmlReport.render(r, floatModel.getFileName().toString(), quantizedModel.getFileName().toString());
      ModelFiles.writeAtomically(html.getBytes(StandardCharsets.UTF_8), report);
    }
    if (json) {
      out.print(r.toJson());
      return 0;
    }
    print(out, r, data, seconds);
    return 0;
  }

  private void print(PrintWriter out, EvaluationReport r, DatasetSpec data, double seconds) {
    ModelMetrics m = r.model();
    out.printf(Locale.ROOT, "Evaluated %s against %s on %s in %.1f s.%n%n", quantizedModel.getFileName(),
        floatModel.getFileName(), data.description(), seconds);
    TextTable t = new TextTable("  ");
    t.row("size", String.format(Locale.ROOT, "%s -> %s (%.2fx)", Sizes.bytes(m.floatBytes()),
        Sizes.bytes(m.quantizedBytes()), (double) m.quantizedBytes() / m.floatBytes()));
    double[] sqnr = m.outputSqnr();
    double[] max = m.outputMaxAbsError();
    for (int i = 0; i < sqnr.length; i++) {
      t.row("output " + i, String.format(Locale.ROOT, "SQNR %s, max |error| %.4g", db(sqnr[i]), max[i]));
    }
    if (!Double.isNaN(m.top1Agreement())) {
      t.row("top-1", pct(m.top1Agreement()) + " agreement with float");
    }
    if (m.hasLabels()) {
      t.row("accuracy", "float " + pct(m.floatAccuracy()) + ", quantized " + pct(m.quantizedAccuracy()) + " ("
          + m.samples() + " labelled samples)");
    }
    t.row("time/sample", String.format(Locale.ROOT, "float %.3f ms, quantized %.3f ms (LiteQuant's interpreter)",
        m.floatMillis(), m.quantizedMillis()));
    out.println("Model");
    out.print(t.render());

    List<LayerMetrics> layers = r.layers();
    int shown = all ? layers.size() : Math.min(DEFAULT_ROWS, layers.size());
    out.println();
    out.println("Layers, worst first (own = the operator alone; ! = own RMSE/scale above "
        + LayerMetrics.SUSPECT_RMSE_OVER_SCALE + ")");
    TextTable l = new TextTable("  ");
    l.row("#", "operator", "own SQNR", "own RMSE/scale", "SQNR vs float", "quantized range", "seen range", "",
        "tensor");
    for (LayerMetrics x : layers.subList(0, shown)) {
      l.row(x.operatorIndex() < 0 ? "in" : x.operatorIndex(), x.operator(),
          Double.isNaN(x.layerSqnr()) ? "-" : db(x.layerSqnr()),
          Double.isNaN(x.layerRmseOverScale()) ? "-" : String.format(Locale.ROOT, "%.3f%s", x.layerRmseOverScale(),
              x.suspect() ? " !" : ""),
          db(x.sqnr()), range(x.representableMin(), x.representableMax()), range(x.observedMin(), x.observedMax()),
          x.clipped() ? "clipped" : "", shorten(x.tensor()));
    }
    out.print(l.render());
    if (shown < layers.size()) {
      out.printf("  (%d of %d layers; --all lists every one, --csv writes them)%n", shown, layers.size());
    }
    List<LayerMetrics> suspect = r.suspectLayers();
    if (!suspect.isEmpty()) {
      out.println();
      out.println("To keep the worst flagged layer float, quantize the float model again with:");
      out.println("  " + EvaluationReport.keepFloatFlag(suspect.get(0)));
    }
    if (report != null) {
      out.println();
      out.println("Wrote the report to " + report);
    }
  }

  private static String shorten(String name) {
    return name.length() <= 60 ? name : name.substring(0, 28) + "..." + name.substring(name.length() - 29);
  }

  private static String db(double v) {
    return Double.isInfinite(v) ? "exact" : String.format(Locale.ROOT, "%.1f dB", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static String range(double lo, double hi) {
    return Double.isNaN(lo) ? "-" : String.format(Locale.ROOT, "[%.3g, %.3g]", lo, hi);
  }
}
