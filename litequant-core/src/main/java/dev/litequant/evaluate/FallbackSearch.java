package dev.litequant.evaluate;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.CalibrationStats;
import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.quantize.QuantizationMode;
import dev.litequant.quantize.QuantizationResult;
import dev.litequant.quantize.Quantizer;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accuracy-aware quantization: quantize, measure every layer, and keep the most harmful layers
 * float one at a time until the quantized model meets a bound (an output SQNR against the float
 * model, or an accuracy drop with labels), or until nothing quantized is left to give up. At each
 * step the layers with the worst own error ({@link IsolatedLayer}) are candidates, and the one
 * whose float form helps the bound most is kept.
 */
public final class FallbackSearch {
  /** What must hold: output 0's SQNR of at least {@code minSqnr} dB, or an accuracy drop of at most {@code maxDrop}. */
  public record Bound(double minSqnr, double maxAccuracyDrop) {
    public static Bound minSqnr(double db) {
      return new Bound(db, Double.NaN);
    }

    /** @param drop the largest acceptable loss of accuracy, as a fraction (0.01 = one point) */
    public static Bound maxAccuracyDrop(double drop) {
      return new Bound(Double.NaN, drop);
    }

    boolean usesAccuracy() {
      return !Double.isNaN(maxAccuracyDrop);
    }

    boolean holds(ModelMetrics m) {
      return usesAccuracy() ? m.floatAccuracy() - m.quantizedAccuracy() <= maxAccuracyDrop + 1e-12
          : m.outputSqnr()[0] >= minSqnr;
    }

    /** Higher is better: the SQNR, or the accuracy (ties broken by SQNR). */
    double score(ModelMetrics m) {
      return usesAccuracy() ? m.quantizedAccuracy() * 1000 + m.outputSqnr()[0] : m.outputSqnr()[0];
    }

    String describe() {
      return usesAccuracy() ? String.format(java.util.Locale.ROOT, "an accuracy drop of at most %.2f points",
          100 * maxAccuracyDrop) : String.format(java.util.Locale.ROOT, "an output SQNR of at least %.1f dB", minSqnr);
    }
  }

  /** One quantization tried: the layers kept float so far, and how the result measured. */
  public record Attempt(List<String> keptFloat, ModelMetrics metrics, boolean meetsBound) {
    public Attempt {
      keptFloat = List.copyOf(keptFloat);
    }
  }

  /** The outcome: the last quantization, every attempt in order, and whether the bound was met. */
  public record Outcome(QuantizationResult result, EvaluationReport report, List<Attempt> attempts, boolean met,
      Bound bound) {
    public Outcome {
      attempts = List.copyOf(attempts);
    }

    /** Float tensor names of the layers kept float by the search. */
    public List<String> keptFloat() {
      return attempts.get(attempts.size() - 1).keptFloat();
    }
  }

  /** Candidates tried at each step (the worst by their own error). */
  private static final int TRIED_PER_STEP = 3;

  private FallbackSearch() {}

  /**
   * @param quantizer a configured quantizer for each attempt (a fresh one per call), without data
   * @param samples evaluation and calibration samples, in the model's input order
   * @param labels one label per sample, or null (needed for an accuracy bound)
   * @param listener told about each attempt
   */
  public static Outcome run(byte[] floatModel, Supplier<Quantizer> quantizer, QuantizationMode mode,
      List<List<TensorValue>> samples, int[] labels, Bound bound, java.util.function.Consumer<Attempt> listener) {
    Objects.requireNonNull(bound);
    if (!mode.allowsFloatFallback() || !mode.needsData()) {
      throw new InvalidArgumentException("Keeping layers float to meet " + bound.describe() + " needs a mode with "
          + "float fallback: --mode int8 or 16x8, not " + mode.cliName() + ".");
    }
    if (bound.usesAccuracy() && labels == null) {
      throw new InvalidArgumentException("--max-accuracy-drop compares accuracies and needs labels (--labels, or a "
          + "folder per class).");
    }
    Set<String> kept = new LinkedHashSet<>();
    List<Attempt> attempts = new ArrayList<>();
    Trial current = trial(floatModel, quantizer, mode, samples, labels, bound, kept, null);
    // Every attempt quantizes the same model on the same samples: calibrate once.
    CalibrationStats stats = current.result.calibration();
    while (true) {
      attempts.add(current.attempt);
      listener.accept(current.attempt);
      List<String> candidates = harmful(current.report, kept);
      if (current.attempt.meetsBound() || candidates.isEmpty()) {
        return new Outcome(current.result, current.report, attempts, current.attempt.meetsBound(), bound);
      }
      // Own error ranks the candidates; the few worst are each tried, and the one that helps the
      // bound most is kept float (a float layer adds QUANTIZE/DEQUANTIZE borders, so the worst
      // layer alone is not always the best one to give up).
      Trial best = null;
      for (String candidate : candidates.subList(0, Math.min(TRIED_PER_STEP, candidates.size()))) {
        Set<String> next = new LinkedHashSet<>(kept);
        next.add(candidate);
        Trial t = trial(floatModel, quantizer, mode, samples, labels, bound, next, stats);
        if (best == null || bound.score(t.report.model()) > bound.score(best.report.model())) {
          best = t;
        }
      }
      kept = new LinkedHashSet<>(best.attempt.keptFloat());
      current = best;
    }
  }

  private record Trial(QuantizationResult result, EvaluationReport report, Attempt attempt) {}

  private static Trial trial(byte[] floatModel, Supplier<Quantizer> quantizer, QuantizationMode mode,
      List<List<TensorValue>> samples, int[] labels, Bound bound, Set<String> kept, CalibrationStats stats) {
    Quantizer q = quantizer.get().mode(mode);
    if (stats != null) {
      q.calibrationStats(stats);
    } else {
      q.representativeDataset(RepresentativeDataset.ofSamples(samples));
    }
    for (String name : kept) {
      q.keepFloat(Pattern.quote(name));
    }
    QuantizationResult result = q.quantize();
    EvaluationReport report = Evaluator.of(floatModel, result.modelBytes()).labels(labels).evaluate(samples);
    return new Trial(result, report, new Attempt(new ArrayList<>(kept), report.model(), bound.holds(report.model())));
  }

  /** Integer layers not yet kept float, most harmful first (their own SQNR, lowest first). */
  private static List<String> harmful(EvaluationReport report, Set<String> kept) {
    List<String> out = new ArrayList<>();
    for (LayerMetrics l : report.layers()) {
      if (!Double.isNaN(l.layerSqnr()) && !Double.isInfinite(l.layerSqnr()) && !kept.contains(l.floatTensor())
          && !out.contains(l.floatTensor())) {
        out.add(l.floatTensor());
      }
    }
    return out;
  }
}
