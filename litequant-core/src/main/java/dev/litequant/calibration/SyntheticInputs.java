package dev.litequant.calibration;

import dev.litequant.data.InputSamples;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The made-up samples of {@code random:N}: float32 inputs uniform in [0, 1), integer inputs zero.
 * One generator (seed 42) walks the samples in order, every input of a sample in turn, so sample i
 * is the same however the samples are reached; going back restarts it.
 */
final class SyntheticInputs {
  private final Map<String, Tensor> inputs;
  private Random random;
  private int next;
  private Map<String, TensorValue> last;
  private int lastIndex = -1;

  private SyntheticInputs(Map<String, Tensor> inputs) {
    this.inputs = inputs;
  }

  /** N samples for each of {@code inputs}, keyed like them. */
  static Map<String, InputSamples> of(Map<String, Tensor> inputs, int n) {
    SyntheticInputs g = new SyntheticInputs(inputs);
    Map<String, InputSamples> out = new LinkedHashMap<>();
    inputs.forEach((name, t) -> out.put(name, new InputSamples() {
      @Override
      public int count() {
        return n;
      }

      @Override
      public TensorValue sample(int i) {
        return g.sample(i).get(name);
      }
    }));
    return out;
  }

  private Map<String, TensorValue> sample(int i) {
    if (i == lastIndex) {
      return last;
    }
    if (random == null || i < next) {
      random = new Random(42);
      next = 0;
    }
    while (next <= i) {
      Map<String, TensorValue> m = new LinkedHashMap<>();
      inputs.forEach((name, t) -> m.put(name, value(t, random)));
      last = m;
      lastIndex = next++;
    }
    return last;
  }

  private static TensorValue value(Tensor t, Random r) {
    int n = (int) t.shape().elementCount();
    if (t.type() == DataType.FLOAT32) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextFloat();
      }
      return TensorValue.ofFloats(t.shape(), v);
    }
    // Integer inputs (indices, token ids) get zeros: any other value may be out of range.
    return TensorValue.fromBytes(t.type(), t.shape(), new byte[(int) t.type().bytesFor(n)]);
  }
}
