package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.KernelFactory;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Bit-exact comparison of integer kernels with TensorFlow Lite 2.6.2, element by element: every
 * output of a model must have the oracle's shape and the oracle's bits, with LiteQuant's reference
 * kernels and with its default kernels. It also counts, for a named alternative formula (a kernel
 * variant with another rounding or another multiplier precision), how many of the same outputs
 * that alternative gets wrong, which shows that a test tells the formulas apart. Models with more
 * than one operator also have every intermediate tensor compared. It also builds the quantized
 * tensors, code sweeps and random scales the tests share.
 */
final class QuantizedOracle {
  private final String family;
  private int models;
  private long elements;
  private final Map<String, long[]> alternatives = new LinkedHashMap<>();

  QuantizedOracle(String family) {
    this.family = family;
  }

  /** A model checked against the oracle, with the oracle's output bytes. */
  record Checked(String label, Model model, List<TensorValue> inputs, List<byte[]> expected, int elements) {}

  /** Runs the model in both interpreters; fails unless every output element is identical. */
  Checked check(String label, Model model, List<TensorValue> inputs) {
    List<byte[]> raw = new ArrayList<>();
    for (TensorValue v : inputs) {
      raw.add(v.toBytes());
    }
    List<TfLiteOracle.Output> theirs;
    try {
      theirs = TfLiteOracle.runWithShapes(ModelWriter.write(model), raw);
    } catch (TfLiteOracle.RejectedException e) {
      return fail(label + ": TensorFlow Lite 2.6.2 did not run the model: " + e.getMessage());
    }
    List<byte[]> expected = new ArrayList<>();
    int count = 0;
    for (InterpreterOptions options : List.of(InterpreterOptions.referenceKernels(), InterpreterOptions.defaults())) {
      List<TensorValue> ours = run(model, inputs, options);
      count = 0;
      for (int i = 0; i < ours.size(); i++) {
        TensorValue o = ours.get(i);
        int index = i;
        assertArrayEquals(theirs.get(i).shape(), o.shape().dims(),
            () -> label + ": shape of output " + index + " differs from TensorFlow Lite 2.6.2's");
        byte[] t = theirs.get(i).data();
        List<String> diffs = differences(o.type(), o.toBytes(), t, 6);
        if (!diffs.isEmpty()) {
          fail(label + ": output " + i + " " + o.type().displayName() + o.shape() + " differs from TensorFlow Lite "
              + "2.6.2 (" + (options.kernels().usesFastKernels() ? "default" : "reference") + " kernels) at "
              + String.join(", ", diffs));
        }
        count += o.size();
        if (expected.size() <= i) {
          expected.add(t);
        }
      }
    }
    if (model.mainSubgraph().operators().size() > 1) {
      try {
        OracleComparison.compareStrict(model, inputs, InterpreterOptions.referenceKernels());
      } catch (AssertionError err) {
        throw new AssertionError(label + ": " + err.getMessage(), err);
      }
    }
    synchronized (this) {
      models++;
      elements += count;
    }
    return new Checked(label, model, inputs, expected, count);
  }

  /** Random codes for every input of the model, full range of each type. */
  Checked checkRandom(String label, Model model, long seed) {
    return check(label, model, OracleComparison.randomInputs(model, seed, -1f, 1f));
  }

  /**
   * How many output elements of a checked model a kernel variant computes differently from the
   * oracle; the count is added to the tally of {@code alternative}.
   */
  int disagreements(String alternative, Checked c, BuiltinOperator op, KernelFactory variant) {
    KernelRegistry registry = KernelRegistry.reference().with(op, 9, variant);
    List<TensorValue> ours = run(c.model(), c.inputs(), new InterpreterOptions(registry));
    int wrong = 0;
    for (int i = 0; i < ours.size(); i++) {
      wrong += countDifferent(ours.get(i).type(), ours.get(i).toBytes(), c.expected().get(i));
    }
    synchronized (this) {
      long[] t = alternatives.computeIfAbsent(alternative, k -> new long[2]);
      t[0] += wrong;
      t[1] += c.elements();
    }
    return wrong;
  }

  /** Both interpreters refuse the model: LiteQuant with the given exception type. */
  <T extends LiteQuantException> T checkRefused(String label, Model model, Class<T> expected) {
    T e = org.junit.jupiter.api.Assertions.assertThrows(expected,
        () -> Interpreter.create(model, InterpreterOptions.referenceKernels()), label);
    oracleRefuses(label + " (LiteQuant: " + e.getMessage() + ")", model);
    return e;
  }

  /** TensorFlow Lite 2.6.2 refuses (or fails on) the model; returns its message. */
  static String oracleRefuses(String label, Model model) {
    List<byte[]> zeros = new ArrayList<>();
    for (Tensor t : model.mainSubgraph().inputs()) {
      zeros.add(new byte[(int) t.byteSize()]);
    }
    try {
      TfLiteOracle.run(ModelWriter.write(model), zeros);
    } catch (TfLiteOracle.RejectedException expectedRejection) {
      return expectedRejection.getMessage();
    }
    return fail(label + ": TensorFlow Lite 2.6.2 ran the model");
  }

  /** The outputs of LiteQuant's interpreter. */
  static List<TensorValue> run(Model model, List<TensorValue> inputs, InterpreterOptions options) {
    Interpreter it = Interpreter.create(model, options);
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    it.invoke();
    List<TensorValue> outs = new ArrayList<>();
    for (int i = 0; i < it.outputCount(); i++) {
      outs.add(it.getOutput(i));
    }
    return outs;
  }

  /** The oracle's outputs, as raw bytes. */
  static List<byte[]> oracle(Model model, List<TensorValue> inputs) {
    List<byte[]> raw = new ArrayList<>();
    for (TensorValue v : inputs) {
      raw.add(v.toBytes());
    }
    return TfLiteOracle.run(ModelWriter.write(model), raw);
  }

  static int countDifferent(DataType type, byte[] a, byte[] b) {
    int size = (int) type.bytesFor(1);
    int n = 0;
    for (int i = 0; i < a.length; i += size) {
      if (!Arrays.equals(a, i, i + size, b, i, i + size)) {
        n++;
      }
    }
    return n;
  }

  /** The first {@code max} differing elements as "[index] ours vs theirs", and a total. */
  static List<String> differences(DataType type, byte[] ours, byte[] theirs, int max) {
    List<String> out = new ArrayList<>();
    if (ours.length != theirs.length) {
      out.add(ours.length + " bytes against " + theirs.length);
      return out;
    }
    int size = (int) type.bytesFor(1);
    int total = countDifferent(type, ours, theirs);
    for (int i = 0; i < ours.length && out.size() < max; i += size) {
      if (!Arrays.equals(ours, i, i + size, theirs, i, i + size)) {
        out.add("[" + i / size + "] " + decode(type, ours, i) + " vs " + decode(type, theirs, i));
      }
    }
    if (total > 0) {
      out.add(total + " elements in all");
    }
    return out;
  }

  private static String decode(DataType type, byte[] b, int i) {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return switch (type) {
      case INT8 -> Integer.toString(b[i]);
      case UINT8 -> Integer.toString(b[i] & 0xFF);
      case INT16 -> Short.toString(bb.getShort(i));
      case INT32 -> Integer.toString(bb.getInt(i));
      case FLOAT32 -> Float.toString(bb.getFloat(i)) + " (0x" + Integer.toHexString(bb.getInt(i)) + ")";
      default -> "?";
    };
  }

  synchronized long elements() {
    return elements;
  }

  synchronized String summary() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%s: %d models, %d output elements bit-identical with TensorFlow Lite 2.6.2", family, models, elements));
    for (Map.Entry<String, long[]> e : alternatives.entrySet()) {
      s.append(String.format(Locale.ROOT, "; %s would get %d of %d wrong", e.getKey(), e.getValue()[0],
          e.getValue()[1]));
    }
    return s.toString();
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
