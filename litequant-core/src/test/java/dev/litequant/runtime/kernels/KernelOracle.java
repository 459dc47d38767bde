package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.LiteQuantException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.opentest4j.TestAbortedException;

/**
 * Kernel tests against TensorFlow Lite 2.6.2: runs single-operator models in both interpreters
 * (reference kernels on LiteQuant's side), checks the output shapes TensorFlow Lite computes, and
 * keeps a tally (models, tensors, worst relative float error) for a summary line. A model the oracle
 * refuses fails the test instead of skipping it: every case here is meant to run there.
 */
final class KernelOracle {
  private final String family;
  private int models;
  private int tensors;
  private double worst;
  private String worstCase = "";

  KernelOracle(String family) {
    this.family = family;
  }

  /** Compares one model on the given inputs. */
  void check(String label, Model model, List<TensorValue> inputs) {
    OracleComparison.Report r;
    try {
      r = OracleComparison.compare(model, inputs, InterpreterOptions.referenceKernels());
    } catch (TestAbortedException e) {
      throw new AssertionError(label + ": " + e.getMessage(), e);
    } catch (AssertionError e) {
      throw new AssertionError(label + ": " + e.getMessage(), e);
    }
    checkOutputShapes(label, model, inputs);
    synchronized (this) {
      models++;
      tensors += r.tensorsCompared();
      if (r.worstRelativeError() > worst) {
        worst = r.worstRelativeError();
        worstCase = label;
      }
    }
  }

  /** Compares one model on random float inputs in [lo, hi) (other input types: small integers). */
  void check(String label, Model model, long seed, float lo, float hi) {
    check(label, model, OracleComparison.randomInputs(model, seed, lo, hi));
  }

  /** Equal element counts can hide a wrong shape (keep_dims, squeezed axes): compare shapes too. */
  private static void checkOutputShapes(String label, Model model, List<TensorValue> inputs) {
    TfLiteOracle.ModelInfo info = TfLiteOracle.inspect(ModelWriter.write(model));
    Interpreter it = Interpreter.create(model, InterpreterOptions.referenceKernels());
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    it.invoke();
    for (int i = 0; i < info.outputs().size(); i++) {
      int[] theirs = info.outputs().get(i).shape();
      int[] ours = it.getOutput(i).shape().dims();
      assertArrayEquals(theirs, ours, () -> label + ": output shape " + Arrays.toString(ours)
          + " differs from TensorFlow Lite's " + Arrays.toString(theirs));
    }
  }

  /** Both interpreters must refuse the model; LiteQuant with the given exception type. */
  <T extends LiteQuantException> T checkRefused(String label, Model model, Class<T> expected) {
    T e = assertThrows(expected, () -> Interpreter.create(model, InterpreterOptions.referenceKernels()), label);
    try {
      List<byte[]> zeros = new ArrayList<>();
      for (Tensor t : model.mainSubgraph().inputs()) {
        zeros.add(new byte[(int) t.byteSize()]);
      }
      TfLiteOracle.run(ModelWriter.write(model), zeros);
      fail(label + ": TensorFlow Lite 2.6.2 ran a model LiteQuant refuses (" + e.getMessage() + ")");
    } catch (TfLiteOracle.RejectedException expectedRejection) {
      // Both refuse.
    }
    return e;
  }

  String summary() {
    return String.format(java.util.Locale.ROOT,
        "%s: %d models, %d tensors compared with TensorFlow Lite 2.6.2, worst relative error %.3g (%s)",
        family, models, tensors, worst, worst == 0 ? "all bit-identical" : worstCase);
  }

  int models() {
    return models;
  }

  // ---- model building shortcuts ----

  /** A model of one operator: {@code build} adds the inputs and returns the operator's input list. */
  static Model singleOp(BuiltinOperator op, int version, Table options, DataType outType, int[] outShape,
      java.util.function.Function<ModelBuilder, List<Tensor>> build) {
    ModelBuilder b = new ModelBuilder();
    List<Tensor> inputs = build.apply(b);
    Tensor out = b.tensor("y", outType, outShape);
    b.operator(op, options, inputs, List.of(out)).setVersion(version);
    return b.output(out).build();
  }

  static TensorValue randomInts(Random r, int lo, int hi, int... shape) {
    int[] v = new int[Shapes.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + r.nextInt(hi - lo + 1);
    }
    return TensorValue.ofInts(Shape.of(shape), v);
  }

  static TensorValue randomLongs(Random r, int lo, int hi, int... shape) {
    long[] v = new long[Shapes.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + r.nextInt(hi - lo + 1);
    }
    return TensorValue.ofLongs(Shape.of(shape), v);
  }

  static TensorValue randomFloats(Random r, float lo, float hi, int... shape) {
    float[] v = new float[Shapes.size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + r.nextFloat() * (hi - lo);
    }
    return TensorValue.ofFloats(Shape.of(shape), v);
  }
}
