package dev.litequant.evaluate;

import dev.litequant.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The result of an evaluation: the model-level numbers, one row per compared tensor (worst first),
 * and for each integer tensor a histogram of its float values around its quantization range;
 * renders itself as JSON and CSV for scripts.
 */
public record EvaluationReport(ModelMetrics model, List<LayerMetrics> layers, Map<String, Histogram> histograms) {
  public EvaluationReport {
    layers = List.copyOf(layers);
    histograms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(histograms));
  }

  /** The layers flagged as suspect (RMSE / scale above 0.7), worst first. */
  public List<LayerMetrics> suspectLayers() {
    return layers.stream().filter(LayerMetrics::suspect).toList();
  }

  /**
   * The {@code --keep-float} option that keeps the operator writing this layer float when the float
   * model is quantized again (a regular expression matching the float tensor's whole name).
   */
  public static String keepFloatFlag(LayerMetrics layer) {
    return "--keep-float '" + Pattern.quote(layer.floatTensor()).replace("'", "'\\''") + "'";
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", model.samples());
    m.put("output_sqnr_db", toList(model.outputSqnr()));
    m.put("output_max_abs_error", toList(model.outputMaxAbsError()));
    m.put("top1_agreement", model.top1Agreement());
    m.put("float_accuracy", model.floatAccuracy());
    m.put("quantized_accuracy", model.quantizedAccuracy());
    m.put("float_ms_per_sample", model.floatMillis());
    m.put("quantized_ms_per_sample", model.quantizedMillis());
    m.put("float_bytes", model.floatBytes());
    m.put("quantized_bytes", model.quantizedBytes());
    List<Object> rows = new ArrayList<>();
    for (LayerMetrics l : layers) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("tensor", l.tensor());
      r.put("float_tensor", l.floatTensor());
      r.put("operator_index", l.operatorIndex());
      r.put("operator", l.operator());
      r.put("type", l.type());
      r.put("elements", l.elements());
      r.put("sqnr_db", l.sqnr());
      r.put("rmse_over_scale", l.rmseOverScale());
      r.put("layer_sqnr_db", l.layerSqnr());
      r.put("layer_rmse_over_scale", l.layerRmseOverScale());
      r.put("max_abs_error", l.maxAbsError());
      r.put("mean_error", l.meanError());
      r.put("scale", l.scale());
      r.put("representable_min", l.representableMin());
      r.put("representable_max", l.representableMax());
      r.put("observed_min", l.observedMin());
      r.put("observed_max", l.observedMax());
      r.put("suspect", l.suspect());
      r.put("clipped", l.clipped());
      rows.add(r);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", m);
    root.put("layers", rows);
    return Json.write(root);
  }

  /** The per-layer table as CSV (RFC 4180 quoting), worst first. */
  public String layersCsv() {
    StringBuilder sb = new StringBuilder("tensor,float_tensor,operator_index,operator,type,elements,sqnr_db,"
        + "rmse_over_scale,layer_sqnr_db,layer_rmse_over_scale,max_abs_error,mean_error,scale,representable_min,representable_max,observed_min,"
        + "observed_max,suspect,clipped\n");
    for (LayerMetrics l : layers) {
      sb.append(csv(l.tensor())).append(',').append(csv(l.floatTensor())).append(',').append(l.operatorIndex())
          .append(',').append(l.operator()).append(',').append(l.type()).append(',').append(l.elements());
      for (double d : new double[] {l.sqnr(), l.rmseOverScale(), l.layerSqnr(), l.layerRmseOverScale(), l.maxAbsError(), l.meanError(), l.scale(),
          l.representableMin(), l.representableMax(), l.observedMin(), l.observedMax()}) {
        sb.append(',').append(Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6g", d));
      }
      sb.append(',').append(l.suspect()).append(',').append(l.clipped()).append('\n');
    }
    return sb.toString();
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static List<Double> toList(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double d : v) {
      out.add(d);
    }
    return out;
  }
}
