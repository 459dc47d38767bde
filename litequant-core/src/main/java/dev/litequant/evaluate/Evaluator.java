package dev.litequant.evaluate;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.InputEncoder;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.quantize.QuantParams;
import dev.litequant.quantize.QuantizedActivation;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.TensorView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a quantized model with its float original in LiteQuant's interpreter: both run on the
 * same samples (float values; integer model inputs get them quantized with their own parameters),
 * and every tensor of the quantized model that has a float counterpart is dequantized and measured
 * against it; each integer operator is also measured alone against its float twin on its own
 * inputs ({@link IsolatedLayer}), as TensorFlow Lite's quantization debugger does.
 *
 * <pre>{@code
 * EvaluationReport r = Evaluator.of(floatBytes, quantizedBytes).labels(labels).evaluate(samples);
 * r.model().outputSqnr()[0];   // dB
 * r.layers().get(0);           // the worst layer
 * }</pre>
 */
public final class Evaluator {
  /** Samples timed (without observers) for the latency numbers. */
  private static final int TIMED_SAMPLES = 20;
  private static final int HISTOGRAM_BINS = 60;

  private final Model reference;
  private final Model quantized;
  private final long referenceBytes;
  private final long quantizedBytes;
  private int[] labels;
  private EvaluationListener listener = EvaluationListener.NONE;

  private Evaluator(byte[] reference, byte[] quantized) {
    this.reference = ModelReader.read(reference);
    this.quantized = ModelReader.read(quantized);
    this.referenceBytes = reference.length;
    this.quantizedBytes = quantized.length;
    requireSameInterface();
  }

  /** @param reference the float model's bytes; @param quantized its quantized form's */
  public static Evaluator of(byte[] reference, byte[] quantized) {
    return new Evaluator(reference, quantized);
  }

  /** One integer class label per sample, in sample order, for accuracy. */
  public Evaluator labels(int[] labels) {
    this.labels = labels == null ? null : labels.clone();
    return this;
  }

  public Evaluator listener(EvaluationListener listener) {
    this.listener = Objects.requireNonNull(listener);
    return this;
  }

  private void requireSameInterface() {
    Subgraph f = reference.mainSubgraph();
    Subgraph q = quantized.mainSubgraph();
    if (f.inputs().size() != q.inputs().size() || f.outputs().size() != q.outputs().size()) {
      throw new InvalidArgumentException("The models do not have the same interface: the float model has "
          + f.inputs().size() + " inputs and " + f.outputs().size() + " outputs, the quantized one "
          + q.inputs().size() + " and " + q.outputs().size() + ". Compare a model with its own quantized form.");
    }
    for (int i = 0; i < f.inputs().size(); i++) {
      sameSize("input", i, f.inputs().get(i), q.inputs().get(i));
    }
    for (int i = 0; i < f.outputs().size(); i++) {
      sameSize("output", i, f.outputs().get(i), q.outputs().get(i));
    }
    for (Tensor t : f.inputs()) {
      if (t.type() != DataType.FLOAT32) {
        throw new InvalidArgumentException("The first model must be the float one, but its input '" + t.name()
            + "' is " + t.type().displayName() + ".");
      }
    }
    QuantizedActivation quantizedFirst = QuantizedActivation.find(reference);
    if (quantizedFirst != null) {
      throw new InvalidArgumentException("The first model must be the float one, but its operator "
          + quantizedFirst.index() + " (" + quantizedFirst.op().displayName() + ") writes "
          + quantizedFirst.tensor().type().displayName() + " tensor '" + quantizedFirst.tensor().name()
          + "'. Give the float model first, then the quantized one.");
    }
  }

  private static void sameSize(String what, int i, Tensor f, Tensor q) {
    if (f.shape().elementCount() != q.shape().elementCount()) {
      throw new InvalidArgumentException("The models do not have the same interface: " + what + " " + i + " is '"
          + f.name() + "' " + f.shape() + " in the float model but '" + q.name() + "' " + q.shape()
          + " in the quantized one.");
    }
  }

  /** Runs both models on every sample (float values in the float model's input order). */
  public EvaluationReport evaluate(Iterable<List<TensorValue>> samples) {
    int total = samples instanceof Collection<?> c ? c.size() : -1;
    if (labels != null && total >= 0 && labels.length != total) {
      throw new InvalidArgumentException("There are " + labels.length + " labels for " + total + " samples; give "
          + "one label per sample.");
    }
    Interpreter f = Interpreter.create(reference);
    Interpreter q = Interpreter.create(quantized);
    List<TensorPairing.Pair> pairs = TensorPairing.pair(reference, quantized);
    Map<Integer, List<TensorPairing.Pair>> byQuantized = new HashMap<>();
    Map<Integer, float[]> floatValues = new HashMap<>();
    for (TensorPairing.Pair p : pairs) {
      byQuantized.computeIfAbsent(p.quantized(), k -> new ArrayList<>()).add(p);
      floatValues.put(p.reference(), null);
    }
    Map<TensorPairing.Pair, ErrorStats> layerStats = new HashMap<>();
    pairs.forEach(p -> layerStats.put(p, new ErrorStats()));
    Map<Integer, Histogram> histograms = new HashMap<>();
    for (TensorPairing.Pair p : pairs) {
      Tensor t = quantized.mainSubgraph().tensors().get(p.quantized());
      if (t.type() != DataType.FLOAT32) {
        Quantization qz = t.quantization();
        histograms.putIfAbsent(p.quantized(), Histogram.around(qz.scale() * (QuantParams.min(t.type()) - qz.zeroPoint()),
            qz.scale() * (QuantParams.max(t.type()) - qz.zeroPoint()), HISTOGRAM_BINS));
      }
    }
    int outputs = reference.mainSubgraph().outputs().size();
    ErrorStats[] outputStats = new ErrorStats[outputs];
    Arrays.setAll(outputStats, i -> new ErrorStats());

    List<IsolatedLayer> isolated = new ArrayList<>();
    for (int i = 0; i < quantized.mainSubgraph().operators().size(); i++) {
      IsolatedLayer layer = IsolatedLayer.of(quantized.mainSubgraph(), i);
      if (layer != null) {
        isolated.add(layer);
      }
    }
    // Only the tensors something compares are copied out of the quantized run.
    java.util.Set<Integer> needed = new java.util.HashSet<>(byQuantized.keySet());
    isolated.forEach(layer -> needed.addAll(layer.tensors()));
    Map<Integer, float[]> seen = new HashMap<>();
    Map<Integer, TensorValue> seenRaw = new HashMap<>();
    f.setObserver((op, view) -> {
      if (floatValues.containsKey(view.index())) {
        floatValues.put(view.index(), Arrays.copyOf(view.floatArray(), view.size()));
      }
    });
    q.setObserver((op, view) -> {
      if (!needed.contains(view.index())) {
        return;
      }
      boolean readable = view.type() == DataType.FLOAT32 || TensorPairing.comparable(view.tensor());
      float[] values = readable ? dequantize(view) : null;
      if (readable) {
        seen.put(view.index(), values);
      } else {
        seenRaw.put(view.index(), Interpreter.snapshot(view));
      }
      List<TensorPairing.Pair> mine = byQuantized.get(view.index());
      if (mine != null) {
        float[] actual = values;
        boolean histogrammed = false;
        for (TensorPairing.Pair p : mine) {
          float[] ref = floatValues.get(p.reference());
          if (ref != null && ref.length == actual.length) {
            layerStats.get(p).add(ref, actual, actual.length);
            Histogram h = histograms.get(view.index());
            if (h != null && !histogrammed) {
              h.add(ref, ref.length);
              histogrammed = true;
            }
          }
        }
      }
    });

    int n = 0;
    int agree = 0;
    int floatCorrect = 0;
    int quantizedCorrect = 0;
    boolean classifier = reference.mainSubgraph().outputs().get(0).shape().elementCount() > 1;
    List<List<TensorValue>> timed = new ArrayList<>();
    for (List<TensorValue> sample : samples) {
      if (labels != null && n >= labels.length) {
        throw new InvalidArgumentException("There are more samples than the " + labels.length + " labels; give one "
            + "label per sample.");
      }
      floatValues.replaceAll((k, v) -> null);
      seen.clear();
      seenRaw.clear();
      setInputs(f, q, sample, n);
      f.invoke();
      q.invoke();
      for (IsolatedLayer layer : isolated) {
        layer.measure(seen, seenRaw);
      }
      float[][] fo = new float[outputs][];
      float[][] qo = new float[outputs][];
      for (int o = 0; o < outputs; o++) {
        fo[o] = f.getOutput(o).floats();
        qo[o] = dequantize(quantized.mainSubgraph().outputs().get(o), q.getOutput(o));
        outputStats[o].add(fo[o], qo[o], fo[o].length);
      }
      if (classifier) {
        int a = argMax(fo[0]);
        int b = argMax(qo[0]);
        agree += a == b ? 1 : 0;
        if (labels != null) {
          floatCorrect += a == labels[n] ? 1 : 0;
          quantizedCorrect += b == labels[n] ? 1 : 0;
        }
      }
      if (timed.size() < TIMED_SAMPLES) {
        timed.add(sample);
      }
      n++;
      listener.sampleDone(n, total);
    }
    if (n == 0) {
      throw new InvalidArgumentException("The evaluation data set is empty.");
    }
    if (labels != null && n != labels.length) {
      throw new InvalidArgumentException("There are " + labels.length + " labels for " + n + " samples; give one "
          + "label per sample.");
    }
    f.setObserver(null);
    q.setObserver(null);
    double[] millis = time(f, q, timed);
    double[] sqnr = new double[outputs];
    double[] maxAbs = new double[outputs];
    for (int o = 0; o < outputs; o++) {
      sqnr[o] = outputStats[o].sqnr();
      maxAbs[o] = outputStats[o].maxAbsError();
    }
    boolean labelled = labels != null && classifier;
    ModelMetrics model = new ModelMetrics(n, sqnr, maxAbs, classifier ? (double) agree / n : Double.NaN,
        labelled ? (double) floatCorrect / n : Double.NaN, labelled ? (double) quantizedCorrect / n : Double.NaN,
        millis[0], millis[1], referenceBytes, quantizedBytes);
    Map<String, Histogram> byName = new java.util.LinkedHashMap<>();
    histograms.forEach((index, h) -> byName.put(quantized.mainSubgraph().tensors().get(index).name(), h));
    return new EvaluationReport(model, layers(pairs, layerStats, isolated), byName);
  }

  private void setInputs(Interpreter f, Interpreter q, List<TensorValue> sample, int n) {
    if (sample.size() != reference.mainSubgraph().inputs().size()) {
      throw new InvalidArgumentException("Sample " + n + " has " + sample.size() + " values, but the model takes "
          + reference.mainSubgraph().inputs().size() + " inputs.");
    }
    for (int i = 0; i < sample.size(); i++) {
      TensorValue v = sample.get(i);
      f.setInput(i, v);
      Tensor qt = quantized.mainSubgraph().inputs().get(i);
      q.setInput(i, qt.type() == DataType.FLOAT32 ? v
          : InputEncoder.of(qt, qt.name(), "float samples").encode(v.floats()));
    }
  }

  private static float[] dequantize(TensorView view) {
    float[] out = new float[view.size()];
    if (view.type() == DataType.FLOAT32) {
      System.arraycopy(view.floatArray(), 0, out, 0, out.length);
      return out;
    }
    Quantization qz = view.tensor().quantization();
    for (int i = 0; i < out.length; i++) {
      out[i] = qz.scale() * (view.getFloat(i) - qz.zeroPoint());
    }
    return out;
  }

  private static float[] dequantize(Tensor t, TensorValue v) {
    if (v.type() == DataType.FLOAT32) {
      return v.floats();
    }
    Quantization qz = t.quantization();
    if (qz == null || !qz.hasScale()) {
      throw new InvalidArgumentException("The quantized model's output '" + t.name() + "' is "
          + t.type().displayName() + " without a scale, so it cannot be compared with the float output.");
    }
    ByteBuffer raw = ByteBuffer.wrap(v.toBytes()).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) v.shape().elementCount()];
    for (int i = 0; i < out.length; i++) {
      int code = switch (v.type()) {
        case INT8 -> raw.get(i);
        case UINT8 -> raw.get(i) & 0xFF;
        case INT16 -> raw.getShort(2 * i);
        default -> throw new InvalidArgumentException("The quantized model's output '" + t.name() + "' is "
            + v.type().displayName() + ", which cannot be compared with a float output.");
      };
      out[i] = qz.scale() * (code - qz.zeroPoint());
    }
    return out;
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Median milliseconds per sample of each model, alternating so both see the same machine load. */
  private double[] time(Interpreter f, Interpreter q, List<List<TensorValue>> timed) {
    double[] tf = new double[timed.size()];
    double[] tq = new double[timed.size()];
    for (int s = 0; s < timed.size(); s++) {
      setInputs(f, q, timed.get(s), s);
      long t0 = System.nanoTime();
      f.invoke();
      long t1 = System.nanoTime();
      q.invoke();
      long t2 = System.nanoTime();
      tf[s] = (t1 - t0) / 1e6;
      tq[s] = (t2 - t1) / 1e6;
    }
    return new double[] {median(tf), median(tq)};
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s[s.length / 2];
  }

  /** One row per paired tensor that was seen, worst SQNR first. */
  private List<LayerMetrics> layers(List<TensorPairing.Pair> pairs, Map<TensorPairing.Pair, ErrorStats> stats,
      List<IsolatedLayer> isolated) {
    Map<Integer, ErrorStats> alone = new HashMap<>();
    for (IsolatedLayer l : isolated) {
      if (l.stats.count() > 0) {
        alone.put(l.operatorIndex, l.stats);
      }
    }
    List<LayerMetrics> out = new ArrayList<>();
    Subgraph q = quantized.mainSubgraph();
    Subgraph f = reference.mainSubgraph();
    for (TensorPairing.Pair p : pairs) {
      ErrorStats s = stats.get(p);
      if (s.count() == 0) {
        continue;
      }
      Tensor t = q.tensors().get(p.quantized());
      double scale = Double.NaN;
      double lo = Double.NaN;
      double hi = Double.NaN;
      if (t.type() != DataType.FLOAT32) {
        Quantization qz = t.quantization();
        scale = qz.scale();
        lo = scale * (QuantParams.min(t.type()) - qz.zeroPoint());
        hi = scale * (QuantParams.max(t.type()) - qz.zeroPoint());
      }
      ErrorStats own = alone.get(p.operatorIndex());
      boolean ownOutput = own != null && quantized.mainSubgraph().operators().get(p.operatorIndex()).output(0) == t;
      out.add(new LayerMetrics(t.name(), f.tensors().get(p.reference()).name(), p.operatorIndex(), p.operator(),
          t.type().displayName(), s.count(), s.sqnr(), s.rmse() / scale, ownOutput ? own.sqnr() : Double.NaN,
          ownOutput ? own.rmse() / scale : Double.NaN, s.maxAbsError(), s.meanError(), scale, lo, hi,
          s.observedMin(), s.observedMax()));
    }
    // Worst first: the layer's own SQNR where it has one (what --keep-float would repair), then the
    // SQNR against the float model.
    out.sort(java.util.Comparator.comparingDouble((LayerMetrics l) -> Double.isNaN(l.layerSqnr())
        ? Double.POSITIVE_INFINITY : l.layerSqnr()).thenComparingDouble(LayerMetrics::sqnr));
    return out;
  }
}
