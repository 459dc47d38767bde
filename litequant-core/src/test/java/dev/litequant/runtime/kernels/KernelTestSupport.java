package dev.litequant.runtime.kernels;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Random;

/** Shortcuts for single-operator kernel tests against the TensorFlow Lite 2.6.2 oracle. */
final class KernelTestSupport {
  private KernelTestSupport() {}

  static float[] randomFloats(Random r, int n, float lo, float hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + r.nextFloat() * (hi - lo);
    }
    return v;
  }

  static int size(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** A float constant with random values. */
  static Tensor randomConstant(ModelBuilder b, Random r, String name, int... shape) {
    return b.constant(name, DataType.FLOAT32, Buffer.ofFloats(randomFloats(r, size(shape), -1, 1)), shape);
  }

  /** Compares the model with the oracle using both the reference and the default kernels. */
  static OracleComparison.Report check(Model model, long seed) {
    List<TensorValue> inputs = OracleComparison.randomInputs(model, seed, -2f, 2f);
    OracleComparison.compareStrict(model, inputs, InterpreterOptions.defaults());
    return OracleComparison.compareStrict(model, inputs, InterpreterOptions.referenceKernels());
  }
}
