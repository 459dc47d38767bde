package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.opentest4j.TestAbortedException;

/**
 * Integer kernel tests against TensorFlow Lite 2.6.2: every integer tensor of a single-operator
 * quantized model must be identical in both interpreters (LiteQuant's reference kernels). Keeps a
 * tally of models and output elements compared for the summary line, and builds the quantized
 * tensors, code sweeps and random scales the tests share.
 */
final class QuantizedOracle {
  private final String family;
  private int models;
  private long elements;

  QuantizedOracle(String family) {
    this.family = family;
  }

  /** Compares every tensor; a model the oracle refuses fails the test. */
  void check(String label, Model model, List<TensorValue> inputs) {
    try {
      OracleComparison.compareStrict(model, inputs, InterpreterOptions.referenceKernels());
    } catch (TestAbortedException | AssertionError e) {
      throw new AssertionError(label + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      models++;
      for (Tensor t : model.mainSubgraph().outputs()) {
        elements += t.shape().elementCount();
      }
    }
  }

  /** Random codes for every input of the model, full range of each type. */
  void checkRandom(String label, Model model, long seed) {
    check(label, model, OracleComparison.randomInputs(model, seed, -1f, 1f));
  }

  String summary() {
    return String.format(Locale.ROOT, "%s: %d models, %d output elements bit-identical with TensorFlow Lite 2.6.2",
        family, models, elements);
  }

  long elements() {
    return elements;
  }

  // ---- building blocks ----

  /** A quantized runtime input. */
  static Tensor input(ModelBuilder b, String name, DataType type, float scale, int zp, int... shape) {
    Tensor t = b.input(name, type, shape);
    t.setQuantization(Quantization.perTensor(scale, zp));
    return t;
  }

  /** A quantized tensor computed by the operator. */
  static Tensor tensor(ModelBuilder b, String name, DataType type, float scale, int zp, int... shape) {
    Tensor t = b.tensor(name, type, shape);
    t.setQuantization(Quantization.perTensor(scale, zp));
    return t;
  }

  /** A tensor value holding the given codes. */
  static TensorValue codes(DataType type, int[] shape, int[] codes) {
    Shape s = Shape.of(shape);
    if (type == DataType.INT16) {
      short[] v = new short[codes.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = (short) codes[i];
      }
      return TensorValue.ofShorts(type, s, v);
    }
    byte[] v = new byte[codes.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) codes[i];
    }
    return TensorValue.ofBytes(type, s, v);
  }

  /** Every code of an 8-bit type, ascending. */
  static int[] allCodes(DataType type) {
    int lo = Quantized.min(type);
    int[] v = new int[256];
    for (int i = 0; i < 256; i++) {
      v[i] = lo + i;
    }
    return v;
  }

  /** Random codes over the whole range of a type. */
  static int[] randomCodes(Random r, DataType type, int n) {
    int lo = Quantized.min(type);
    int span = Quantized.max(type) - lo + 1;
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + r.nextInt(span);
    }
    return v;
  }

  /** A float32 scale, log-uniform in [lo, hi]: random low bits, so float and double arithmetic differ. */
  static float scale(Random r, double lo, double hi) {
    return (float) Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
  }

  /** A zero point of the type (0 for int16, which 2.6.2 keeps symmetric). */
  static int zeroPoint(Random r, DataType type) {
    return switch (type) {
      case INT8 -> r.nextInt(256) - 128;
      case UINT8 -> r.nextInt(256);
      default -> 0;
    };
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
