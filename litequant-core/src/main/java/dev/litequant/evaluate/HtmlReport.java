package dev.litequant.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page (no network, no external files) a person can read: sizes and
 * model-level numbers, a per-layer SQNR chart in execution order, the layer table worst first,
 * histograms of the worst layers' float values with the quantization range drawn over them, and the
 * {@code --keep-float} options that would spare the worst layers. Charts are inline SVG; a few lines
 * of script only record, for tests, how many charts the browser drew.
 */
public final class HtmlReport {
  private static final int HISTOGRAMS = 4;
  private static final int SUGGESTIONS = 3;
  private static final double SQNR_CAP = 60;

  private HtmlReport() {}

  public static String render(EvaluationReport r, String floatName, String quantizedName) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>LiteQuant report: ")
        .append(esc(quantizedName)).append("</title>\n<style>\n")
        .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("h1{font-size:20px}h2{font-size:16px;margin-top:28px}")
        .append("table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00020;font-weight:600}")
        .append(".warn{color:#a15c00}code{background:#f3f3f3;padding:1px 4px;word-break:break-all}")
        .append("svg{display:block;margin:8px 0}.chart text{font-size:11px}.name{max-width:520px;overflow-wrap:anywhere}")
        .append("\n</style></head><body>\n");
    h.append("<h1>LiteQuant report: <code>").append(esc(quantizedName)).append("</code> against <code>")
        .append(esc(floatName)).append("</code></h1>\n");
    summary(h, r.model());
    sqnrChart(h, r.layers());
    layerTable(h, r.layers());
    histograms(h, r);
    suggestions(h, r);
    h.append("<script>document.body.dataset.charts=String(document.querySelectorAll('svg.chart').length);")
        .append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, ModelMetrics m) {
    h.append("<h2>Summary</h2>\n<table>\n");
    row(h, "File size", String.format(Locale.ROOT, "%s &rarr; %s (%.2fx)", bytes(m.floatBytes()),
        bytes(m.quantizedBytes()), (double) m.quantizedBytes() / m.floatBytes()));
    row(h, "Samples", Integer.toString(m.samples()));
    double[] sqnr = m.outputSqnr();
    double[] max = m.outputMaxAbsError();
    for (int i = 0; i < sqnr.length; i++) {
      row(h, "Output " + i + " SQNR", db(sqnr[i]) + String.format(Locale.ROOT, " (max |error| %.4g)", max[i]));
    }
    if (!Double.isNaN(m.top1Agreement())) {
      row(h, "Top-1 agreement with float", pct(m.top1Agreement()));
    }
    if (m.hasLabels()) {
      row(h, "Accuracy", "float " + pct(m.floatAccuracy()) + ", quantized " + pct(m.quantizedAccuracy()));
    }
    row(h, "Time per sample (LiteQuant)", String.format(Locale.ROOT, "float %.3f ms, quantized %.3f ms",
        m.floatMillis(), m.quantizedMillis()));
    h.append("</table>\n");
  }

  /** SQNR per layer in execution order: longer is better; red is suspect, amber clips. */
  private static void sqnrChart(StringBuilder h, List<LayerMetrics> layers) {
    List<LayerMetrics> ordered = new ArrayList<>(layers);
    ordered.sort(Comparator.comparingInt(LayerMetrics::operatorIndex));
    int rowHeight = 16;
    int labelWidth = 260;
    int barWidth = 560;
    int height = ordered.size() * rowHeight + 30;
    h.append("<h2>SQNR per layer (dB, execution order)</h2>\n<svg class=\"chart\" id=\"sqnr-chart\" width=\"")
        .append(labelWidth + barWidth + 80).append("\" height=\"").append(height).append("\" role=\"img\">\n");
    for (int i = 0; i < ordered.size(); i++) {
      LayerMetrics l = ordered.get(i);
      double v = Double.isInfinite(l.sqnr()) ? SQNR_CAP : Math.max(0, Math.min(SQNR_CAP, l.sqnr()));
      int y = i * rowHeight + 4;
      String colour = l.suspect() ? "#c62828" : l.clipped() ? "#ef8f00" : "#3b7dd8";
      h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelWidth - 6,
          y + 11, esc(shortLabel(l))));
      h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
          + "<title>%s: %s</title></rect>", labelWidth, y, v / SQNR_CAP * barWidth, rowHeight - 4, colour,
          esc(l.tensor()), db(l.sqnr())));
      h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
          labelWidth + v / SQNR_CAP * barWidth + 4, y + 11, db(l.sqnr())));
    }
    h.append("</svg>\n");
  }

  private static void layerTable(StringBuilder h, List<LayerMetrics> layers) {
    h.append("<h2>Layers, worst first</h2>\n<p><em>Own</em>: the operator alone, its float twin run on its own "
        + "dequantized inputs; an own RMSE / scale near 0.29 is rounding alone, above ")
        .append(LayerMetrics.SUSPECT_RMSE_OVER_SCALE).append(" is flagged. <em>vs float</em>: against the float "
            + "model, error inherited from earlier layers included. <em>Clipped</em>: the evaluation data went "
            + "outside the range the layer's quantization represents.</p>\n<table><tr><th>#</th><th>operator</th>"
            + "<th>tensor</th><th>type</th><th>own SQNR</th><th>own RMSE/scale</th><th>SQNR vs float</th>"
            + "<th>max |err|</th><th>mean err</th><th>quantized range</th><th>observed range</th><th></th></tr>\n");
    for (LayerMetrics l : layers) {
      h.append("<tr><td class=\"n\">").append(l.operatorIndex() < 0 ? "in" : l.operatorIndex()).append("</td><td>")
          .append(esc(l.operator())).append("</td><td class=\"name\">").append(esc(l.tensor())).append("</td><td>")
          .append(l.type()).append("</td><td class=\"n\">").append(Double.isNaN(l.layerSqnr()) ? "&ndash;"
              : db(l.layerSqnr())).append("</td><td class=\"n").append(l.suspect() ? " bad" : "").append("\">")
          .append(num(l.layerRmseOverScale())).append("</td><td class=\"n\">").append(db(l.sqnr()))
          .append("</td><td class=\"n\">")
          .append(num(l.maxAbsError())).append("</td><td class=\"n\">").append(num(l.meanError()))
          .append("</td><td class=\"n\">").append(range(l.representableMin(), l.representableMax()))
          .append("</td><td class=\"n\">").append(range(l.observedMin(), l.observedMax())).append("</td><td>")
          .append(l.suspect() ? "<span class=\"bad\">suspect</span> " : "")
          .append(l.clipped() ? "<span class=\"warn\">clipped</span>" : "").append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void histograms(StringBuilder h, EvaluationReport r) {
    List<LayerMetrics> worst = r.layers().stream().filter(l -> r.histograms().containsKey(l.tensor()))
        .limit(HISTOGRAMS).toList();
    if (worst.isEmpty()) {
      return;
    }
    h.append("<h2>Float values of the worst layers, with the quantization range</h2>\n");
    for (LayerMetrics l : worst) {
      Histogram hist = r.histograms().get(l.tensor());
      long[] counts = hist.counts();
      long peak = 1;
      for (long c : counts) {
        peak = Math.max(peak, c);
      }
      int w = 600;
      int plot = 160;
      double binWidth = (double) w / counts.length;
      h.append("<p><code>").append(esc(l.tensor())).append("</code> (").append(esc(l.operator())).append(", SQNR ")
          .append(db(l.sqnr())).append(")").append(hist.below() + hist.above() > 0 ? String.format(Locale.ROOT,
              " &mdash; %d values below and %d above the plotted span", hist.below(), hist.above()) : "")
          .append("</p>\n<svg class=\"chart histogram\" width=\"").append(w + 20).append("\" height=\"")
          .append(plot + 30).append("\" role=\"img\">\n");
      for (int i = 0; i < counts.length; i++) {
        double bh = (double) counts[i] / peak * plot;
        h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            + "fill=\"#7aa6e0\"/>", 10 + i * binWidth, plot - bh + 5, Math.max(0.5, binWidth - 1), bh));
      }
      for (double edge : new double[] {l.representableMin(), l.representableMax()}) {
        double x = 10 + (edge - hist.lo()) / (hist.hi() - hist.lo()) * w;
        h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#c62828\" "
            + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, x, plot + 8, x,
            plot + 24, num(edge)));
      }
      h.append("\n</svg>\n");
    }
  }

  private static void suggestions(StringBuilder h, EvaluationReport r) {
    List<LayerMetrics> suspect = r.suspectLayers();
    List<LayerMetrics> pick = (suspect.isEmpty() ? r.layers() : suspect).stream()
        .filter(l -> l.operatorIndex() >= 0 && !Double.isInfinite(l.sqnr())).limit(SUGGESTIONS).toList();
    h.append("<h2>Keeping the worst layers float</h2>\n");
    if (pick.isEmpty()) {
      h.append("<p>No layer loses anything measurable.</p>\n");
      return;
    }
    h.append("<p>").append(suspect.isEmpty() ? "No layer is flagged; the lowest SQNR belongs to these. "
        : "These flagged layers lose the most. ").append("Quantize the float model again with:</p>\n<ul>\n");
    for (LayerMetrics l : pick) {
      h.append("<li><code>").append(esc(EvaluationReport.keepFloatFlag(l))).append("</code> (").append(esc(l.operator()))
          .append(", SQNR ").append(db(l.sqnr())).append(")</li>\n");
    }
    h.append("</ul>\n");
  }

  private static void row(StringBuilder h, String label, String value) {
    h.append("<tr><th>").append(esc(label)).append("</th><td>").append(value).append("</td></tr>\n");
  }

  private static String shortLabel(LayerMetrics l) {
    String name = l.tensor();
    int slash = name.lastIndexOf('/');
    String tail = slash >= 0 && slash < name.length() - 1 ? name.substring(slash + 1) : name;
    if (tail.length() > 28) {
      tail = tail.substring(0, 27) + "\u2026";
    }
    return (l.operatorIndex() < 0 ? "input" : l.operatorIndex() + " " + l.operator()) + " " + tail;
  }

  static String db(double v) {
    return Double.isInfinite(v) ? "exact" : String.format(Locale.ROOT, "%.1f dB", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "&ndash;" : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String range(double lo, double hi) {
    return Double.isNaN(lo) ? "&ndash;" : "[" + num(lo) + ", " + num(hi) + "]";
  }

  private static String bytes(long n) {
    return n >= 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0)
        : n >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0) : n + " B";
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
