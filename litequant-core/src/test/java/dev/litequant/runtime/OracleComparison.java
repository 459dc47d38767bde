package dev.litequant.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.ExposedModel;
import dev.litequant.oracle.TfLiteOracle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Differential testing of LiteQuant's interpreter against TensorFlow Lite 2.6.2: runs a model in
 * both on the same inputs and compares every output and every intermediate tensor. Float tensors
 * must agree within {@code tolerance} times the tensor's largest magnitude; integer and bool
 * tensors exactly.
 */
public final class OracleComparison {
  public static final double FLOAT_TOLERANCE = 1e-4;

  private OracleComparison() {}

  /** What a comparison covered. */
  public record Report(int tensorsCompared, double worstRelativeError, String worstTensor) {}

  /**
   * Runs and compares; skips the calling test if the oracle cannot run the model (use {@link
   * #compareStrict} where every case must run there).
   */
  public static Report compare(Model model, List<TensorValue> inputs, InterpreterOptions options) {
    return compare(model, inputs, options, FLOAT_TOLERANCE);
  }

  /** Like {@link #compare}, but a model the oracle refuses fails the test. */
  public static Report compareStrict(Model model, List<TensorValue> inputs, InterpreterOptions options) {
    try {
      return compare(model, inputs, options, FLOAT_TOLERANCE);
    } catch (org.opentest4j.TestAbortedException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  public static Report compare(Model model, List<TensorValue> inputs, InterpreterOptions options, double tolerance) {
    return compare(model, model, inputs, options, tolerance);
  }

  /**
   * Runs {@code model} in LiteQuant's interpreter and {@code reference} (the same tensors, computed
   * some other way) in TensorFlow Lite 2.6.2, and compares every tensor the oracle computes.
   */
  public static Report compare(Model model, Model reference, List<TensorValue> inputs, InterpreterOptions options,
      double tolerance) {
    byte[] bytes = ModelWriter.write(reference);
    List<byte[]> raw = new ArrayList<>();
    for (TensorValue v : inputs) {
      raw.add(v.toBytes());
    }
    Map<Integer, TfLiteOracle.Output> expected;
    try {
      expected = ExposedModel.of(bytes).runWithShapes(raw);
    } catch (TfLiteOracle.RejectedException e) {
      assumeTrue(false, "TensorFlow Lite 2.6.2 cannot run this model: " + e.getMessage());
      return null;
    }
    Map<Integer, TensorValue> actual = runObservingAll(model, inputs, options);
    Subgraph g = model.mainSubgraph();
    int compared = 0;
    double worst = 0;
    String worstName = "";
    for (Map.Entry<Integer, TfLiteOracle.Output> e : expected.entrySet()) {
      if (e.getKey() >= g.tensors().size()) {
        continue; // a helper tensor the reference rewrite appended
      }
      Tensor t = g.tensors().get(e.getKey());
      TensorValue ours = actual.get(e.getKey());
      if (ours == null) {
        fail("LiteQuant's interpreter did not produce tensor " + e.getKey() + " " + t);
      }
      assertEquals(java.util.Arrays.toString(e.getValue().shape()), ours.shape().toString(),
          () -> "tensor " + e.getKey() + " " + t + " has a different shape from TensorFlow Lite 2.6.2's");
      TensorValue theirs = TensorValue.fromBytes(t.type(), ours.shape(), e.getValue().data());
      double err = difference(ours, theirs, t);
      compared++;
      if (err > worst) {
        worst = err;
        worstName = t.toString();
      }
      double tol = t.type() == DataType.FLOAT32 ? tolerance : 0;
      double tensorError = err;
      assertTrue(tensorError <= tol, () -> "tensor " + e.getKey() + " " + t + " differs from TensorFlow Lite 2.6.2: "
          + "relative error " + tensorError + " > " + tol + "\n  ours:   " + ours + "\n  theirs: " + theirs);
    }
    return new Report(compared, worst, worstName);
  }

  /** Runs LiteQuant's interpreter and keeps a copy of every tensor it computes, by tensor index. */
  public static Map<Integer, TensorValue> runObservingAll(Model model, List<TensorValue> inputs,
      InterpreterOptions options) {
    Interpreter it = Interpreter.create(model, options);
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    Map<Integer, TensorValue> seen = new HashMap<>();
    it.setObserver((op, view) -> seen.put(model.mainSubgraph().indexOf(view.tensor()), Interpreter.snapshot(view)));
    it.invoke();
    return seen;
  }

  /**
   * Largest absolute difference divided by the larger of the two tensors' largest magnitudes (0
   * when both are all zero); for non-float types, 0 if identical and +inf otherwise. NaNs must
   * match NaNs.
   */
  public static double difference(TensorValue a, TensorValue b, Tensor t) {
    assertEquals(a.size(), b.size(), () -> "tensor " + t + " has a different element count");
    if (a.type() != DataType.FLOAT32) {
      return java.util.Arrays.equals(a.toBytes(), b.toBytes()) ? 0 : Double.POSITIVE_INFINITY;
    }
    float[] x = a.floats();
    float[] y = b.floats();
    double max = 0;
    double diff = 0;
    for (int i = 0; i < x.length; i++) {
      if (Float.isNaN(x[i]) || Float.isNaN(y[i])) {
        if (Float.isNaN(x[i]) != Float.isNaN(y[i])) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      if (Float.isInfinite(x[i]) || Float.isInfinite(y[i])) {
        if (x[i] != y[i]) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      max = Math.max(max, Math.max(Math.abs(x[i]), Math.abs(y[i])));
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
    }
    return max == 0 ? 0 : diff / max;
  }

  /** Random values in [lo, hi) for float inputs, small non-negative integers otherwise. */
  public static List<TensorValue> randomInputs(Model model, long seed, float lo, float hi) {
    java.util.Random r = new java.util.Random(seed);
    List<TensorValue> out = new ArrayList<>();
    for (Tensor t : model.mainSubgraph().inputs()) {
      Shape shape = t.shape();
      int n = (int) shape.elementCount();
      if (t.type() == DataType.FLOAT32) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = lo + r.nextFloat() * (hi - lo);
        }
        out.add(TensorValue.ofFloats(shape, v));
      } else {
        out.add(TensorValue.fromBytes(t.type(), shape, dev.litequant.testing.RandomInputs.forTensor(t, r)));
      }
    }
    return out;
  }
}
