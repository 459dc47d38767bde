package dev.litequant.calibration;

import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The samples a model is calibrated on, in one of the three forms TensorFlow Lite's converter
 * accepts: a list of inputs in the model's input order, a map keyed by input name, or per
 * signature (each signature's subgraph calibrated with its own samples). 100 to 500 samples are
 * typical. The samples are iterated once, so a large data set may be produced lazily.
 */
public final class RepresentativeDataset {
  /** How the samples are keyed. */
  public enum Form {
    /** Each sample lists the main subgraph's inputs in order. */
    ORDERED,
    /** Each sample maps input names (signature or tensor names) to values. */
    NAMED,
    /** Samples keyed by input name, grouped by signature key. */
    PER_SIGNATURE
  }

  private final Form form;
  private final Iterable<List<TensorValue>> ordered;
  private final Iterable<Map<String, TensorValue>> named;
  private final Map<String, ? extends Iterable<Map<String, TensorValue>>> perSignature;

  private RepresentativeDataset(Form form, Iterable<List<TensorValue>> ordered,
      Iterable<Map<String, TensorValue>> named, Map<String, ? extends Iterable<Map<String, TensorValue>>> perSignature) {
    this.form = form;
    this.ordered = ordered;
    this.named = named;
    this.perSignature = perSignature;
  }

  /** Samples as lists of input values in the model's input order. */
  public static RepresentativeDataset ofSamples(Iterable<List<TensorValue>> samples) {
    return new RepresentativeDataset(Form.ORDERED, Objects.requireNonNull(samples), null, null);
  }

  /** Samples as maps from input name (signature name or tensor name) to value. */
  public static RepresentativeDataset ofNamedSamples(Iterable<Map<String, TensorValue>> samples) {
    return new RepresentativeDataset(Form.NAMED, null, Objects.requireNonNull(samples), null);
  }

  /** Samples per signature key, each keyed by that signature's input names. */
  public static RepresentativeDataset perSignature(Map<String, ? extends Iterable<Map<String, TensorValue>>> samples) {
    return new RepresentativeDataset(Form.PER_SIGNATURE, null, null, Map.copyOf(samples));
  }

  public Form form() {
    return form;
  }

  Iterable<List<TensorValue>> ordered() {
    return ordered;
  }

  Iterable<Map<String, TensorValue>> named() {
    return named;
  }

  Map<String, ? extends Iterable<Map<String, TensorValue>>> perSignature() {
    return perSignature;
  }
}
