package dev.litequant.calibration;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorSpec;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.TensorView;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calibration as the official converter does it: runs the float model in LiteQuant's interpreter
 * on every sample and records, for every float32 tensor, the global minimum and maximum over all
 * samples. NaN and infinite values are left out of the ranges with a warning; a tensor with no
 * finite value at all, and inputs that are malformed, are errors naming the sample and the input.
 */
public final class Calibrator {
  private final Model model;
  private final CalibrationListener listener;
  private final Map<CalibrationStats.Key, TensorRange> ranges = new HashMap<>();
  private final Map<CalibrationStats.Key, String> names = new HashMap<>();
  private final Set<String> warned = new HashSet<>();
  /** Tensors with no finite value in some sample, and the first such sample. */
  private final Map<CalibrationStats.Key, Integer> unseen = new HashMap<>();

  private Calibrator(Model model, CalibrationListener listener) {
    this.model = model;
    this.listener = listener;
  }

  /** Calibrates every subgraph the data set addresses. */
  public static CalibrationStats calibrate(Model model, RepresentativeDataset data, CalibrationListener listener) {
    Calibrator c = new Calibrator(model, listener == null ? CalibrationListener.NONE : listener);
    switch (data.form()) {
      case ORDERED -> c.runOrdered(data.ordered());
      case NAMED -> c.runNamed(null, data.named());
      case PER_SIGNATURE -> {
        if (data.perSignature().isEmpty()) {
          throw new InvalidArgumentException("The representative data set has no signatures and no samples.");
        }
        for (Map.Entry<String, ? extends Iterable<Map<String, TensorValue>>> e : data.perSignature().entrySet()) {
          c.runNamed(e.getKey(), e.getValue());
        }
      }
    }
    c.requireEveryTensorSeen();
    return new CalibrationStats(c.ranges, c.names);
  }

  /** A tensor that never had a finite value cannot be given a range: that is an error. */
  private void requireEveryTensorSeen() {
    for (Map.Entry<CalibrationStats.Key, Integer> e : unseen.entrySet()) {
      if (!ranges.containsKey(e.getKey())) {
        throw new InvalidArgumentException("Tensor '" + names.get(e.getKey()) + "' had no finite value (NaN or "
            + "infinite everywhere) in any calibration sample, so it cannot be given a range; check the data set "
            + "(sample " + e.getValue() + " is the first) or the model.");
      }
    }
  }

  private Interpreter interpreter(String signature) {
    if (signature != null) {
      return Interpreter.forSignature(model, signature, InterpreterOptions.defaults());
    }
    if (model.signatures().size() > 1) {
      throw new InvalidArgumentException("The model has " + model.signatures().size() + " signatures ("
          + String.join(", ", model.signatures().stream().map(SignatureDef::key).toList())
          + "): give the representative samples per signature, each signature with its own samples.");
    }
    return Interpreter.create(model, InterpreterOptions.defaults());
  }

  private void runOrdered(Iterable<List<TensorValue>> samples) {
    Interpreter it = interpreter(null);
    int n = 0;
    for (List<TensorValue> sample : samples) {
      if (sample.size() != it.inputCount()) {
        throw new InvalidArgumentException("Representative sample " + n + " has " + sample.size()
            + " values, but the model takes " + it.inputCount() + " inputs " + names(it.inputs()) + ".");
      }
      for (int i = 0; i < sample.size(); i++) {
        setInput(it, i, sample.get(i), n, null);
      }
      run(it, 0, null, n);
      n++;
      listener.sampleDone(null, n, size(samples));
    }
    requireSamples(n, null);
  }

  private void runNamed(String signature, Iterable<Map<String, TensorValue>> samples) {
    Interpreter it = interpreter(signature);
    int subgraph = model.indexOf(it.subgraph());
    int n = 0;
    for (Map<String, TensorValue> sample : samples) {
      Set<Integer> given = new HashSet<>();
      for (Map.Entry<String, TensorValue> e : sample.entrySet()) {
        int index;
        try {
          index = it.inputIndex(e.getKey());
        } catch (InvalidArgumentException unknown) {
          throw new InvalidArgumentException("Representative sample " + n + where(signature) + " has an input named '"
              + e.getKey() + "', which the model does not have; its inputs are " + names(it.inputs()) + ".");
        }
        if (!given.add(index)) {
          throw new InvalidArgumentException("Representative sample " + n + where(signature) + " gives input '"
              + it.input(index).name() + "' twice (by signature name and by tensor name).");
        }
        setInput(it, index, e.getValue(), n, signature);
      }
      if (given.size() != it.inputCount()) {
        List<String> missing = new java.util.ArrayList<>();
        for (int i = 0; i < it.inputCount(); i++) {
          if (!given.contains(i)) {
            missing.add("'" + it.input(i).name() + "'");
          }
        }
        throw new InvalidArgumentException("Representative sample " + n + where(signature) + " lacks input"
            + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing) + ".");
      }
      run(it, subgraph, signature, n);
      n++;
      listener.sampleDone(signature, n, size(samples));
    }
    requireSamples(n, signature);
  }

  private static String where(String signature) {
    return signature == null ? "" : " of signature '" + signature + "'";
  }

  private static int size(Iterable<?> samples) {
    return samples instanceof Collection<?> c ? c.size() : -1;
  }

  private static void requireSamples(int n, String signature) {
    if (n == 0) {
      throw new InvalidArgumentException("The representative data set" + where(signature)
          + " is empty: calibration needs samples (100 to 500 are typical).");
    }
  }

  private static String names(List<TensorSpec> specs) {
    return specs.stream().map(s -> "'" + s.name() + "' " + s.type().displayName() + s.shape()).toList().toString();
  }

  private void setInput(Interpreter it, int index, TensorValue value, int sample, String signature) {
    TensorSpec spec = it.input(index);
    if (value.type() != spec.type()) {
      throw new InvalidArgumentException("Representative sample " + sample + where(signature) + ": input '"
          + spec.name() + "' takes " + spec.type().displayName() + " values, but " + value.type().displayName()
          + " values were given.");
    }
    if (value.size() != spec.shape().elementCount()) {
      throw new InvalidArgumentException("Representative sample " + sample + where(signature) + ": input '"
          + spec.name() + "' has shape " + spec.shape() + " (" + spec.shape().elementCount()
          + " values), but the value given has shape " + value.shape() + " (" + value.size() + " values).");
    }
    if (value.type() == DataType.FLOAT32) {
      checkFinite(value, sample, signature, spec.name());
    }
    it.setInput(index, value);
  }

  /** Infinite inputs are errors; NaN is skipped with a warning, unless the whole input is NaN. */
  private void checkFinite(TensorValue value, int sample, String signature, String input) {
    float[] v = value.floats();
    int nan = 0;
    for (float x : v) {
      if (Float.isInfinite(x)) {
        throw new InvalidArgumentException("Representative sample " + sample + where(signature) + ": input '" + input
            + "' contains " + x + "; calibration data must be finite.");
      }
      if (Float.isNaN(x)) {
        nan++;
      }
    }
    if (nan == v.length && nan > 0) {
      throw new InvalidArgumentException("Representative sample " + sample + where(signature) + ": input '" + input
          + "' is entirely NaN.");
    }
    if (nan > 0) {
      listener.warning("Representative sample " + sample + where(signature) + ": input '" + input + "' has " + nan
          + " NaN values; they are left out of the calibration ranges.");
    }
  }

  private void run(Interpreter it, int subgraph, String signature, int sample) {
    Subgraph g = model.subgraphs().get(subgraph);
    it.resetVariables();
    it.setObserver((op, view) -> observe(g, subgraph, op, view, sample, signature));
    it.invoke();
    it.setObserver(null);
  }

  private void observe(Subgraph g, int subgraph, int op, TensorView view, int sample, String signature) {
    if (view.type() != DataType.FLOAT32 || view.tensor().isConstant()) {
      return;
    }
    float[] v = view.floatArray();
    int n = view.size();
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    long nonFinite = 0;
    for (int i = 0; i < n; i++) {
      float x = v[i];
      if (Float.isNaN(x) || Float.isInfinite(x)) {
        nonFinite++;
      } else {
        if (x < min) {
          min = x;
        }
        if (x > max) {
          max = x;
        }
      }
    }
    if (n == 0) {
      return;
    }
    String name = view.tensor().name();
    CalibrationStats.Key key = new CalibrationStats.Key(subgraph, view.index());
    names.putIfAbsent(key, name);
    if (nonFinite == n) {
      // A NaN in one input can spread to whole tensors; that sample then says nothing about them.
      if (warned.add(name + "#all")) {
        listener.warning("Tensor '" + name + "'" + (op < 0 ? "" : " (output of operator " + op + ", "
            + g.operators().get(op).displayName() + ")") + " had no finite value in sample " + sample
            + where(signature) + "; that sample is left out of its range.");
      }
      unseen.putIfAbsent(key, sample);
      return;
    }
    // Model inputs were already reported when the sample was checked.
    if (nonFinite > 0 && op >= 0 && warned.add(name)) {
      listener.warning("Tensor '" + name + "' had " + nonFinite + " NaN or infinite values in sample " + sample
          + where(signature) + "; they are left out of its calibration range.");
    }
    TensorRange r = ranges.get(key);
    ranges.put(key, r == null ? TensorRange.of(min, max, nonFinite) : r.merge(min, max, nonFinite));
  }
}
