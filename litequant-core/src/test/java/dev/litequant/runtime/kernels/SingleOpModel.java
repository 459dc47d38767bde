package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.ExposedModel;
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
 * A one-operator model built for a kernel test, with the values of its runtime inputs. Output
 * shapes are declared by the test (worked out by hand) and checked against the shapes both
 * interpreters compute; {@link #checkAgainstOracle()} then compares every output element with
 * TensorFlow Lite 2.6.2.
 */
final class SingleOpModel {
  private final ModelBuilder builder = new ModelBuilder();
  private final List<Tensor> operands = new ArrayList<>();
  private final List<TensorValue> inputValues = new ArrayList<>();
  private final Random random;
  private Quantization quantization;
  private Model model;
  private int version = 1;

  SingleOpModel(long seed) {
    this.random = new Random(seed);
  }

  /** Quantization given to the inputs and outputs created from now on (null for none). */
  SingleOpModel quantized(Quantization q) {
    this.quantization = q;
    return this;
  }

  /** A runtime input filled with random values. */
  SingleOpModel input(DataType type, int... shape) {
    return input(randomValue(type, shape, random));
  }

  /** A runtime input with the given values. */
  SingleOpModel input(TensorValue value) {
    Tensor t = builder.input("in" + operands.size(), value.type(), value.shape().dims());
    t.setQuantization(quantization);
    operands.add(t);
    inputValues.add(value);
    return this;
  }

  /** A constant operand. */
  SingleOpModel constant(TensorValue value) {
    Tensor t = builder.constant("const" + operands.size(), value.type(), Buffer.copyOf(value.toBytes()),
        value.shape().dims());
    operands.add(t);
    return this;
  }

  /** A 1-D int32 constant. */
  SingleOpModel ints(int... values) {
    return constant(TensorValue.ofInts(Shape.of(values.length), values));
  }

  /** An int32 constant of any shape. */
  SingleOpModel ints(int[] shape, int... values) {
    return constant(TensorValue.ofInts(Shape.of(shape), values));
  }

  /** A scalar int32 constant. */
  SingleOpModel scalar(int value) {
    return constant(TensorValue.ofInts(Shape.scalar(), value));
  }

  /** The operator version to write (1 unless a test needs another: 2.6.2 knows BROADCAST_TO from v2). */
  SingleOpModel version(int v) {
    this.version = v;
    return this;
  }

  /** An omitted optional input. */
  SingleOpModel omitted() {
    operands.add(null);
    return this;
  }

  /** Adds the operator with one output per shape, all of type {@code outType}, and builds the model. */
  SingleOpModel op(BuiltinOperator type, Table options, DataType outType, int[]... outShapes) {
    List<Tensor> outs = new ArrayList<>();
    for (int i = 0; i < outShapes.length; i++) {
      Tensor t = builder.tensor("out" + i, outType, outShapes[i]);
      t.setQuantization(quantization);
      outs.add(t);
    }
    builder.operator(type, options, operands, outs).setVersion(version);
    model = builder.output(outs.toArray(new Tensor[0])).build();
    return this;
  }

  Model model() {
    return model;
  }

  List<TensorValue> inputs() {
    return inputValues;
  }

  /**
   * Checks output shapes against the declared ones and against 2.6.2's, then every element against
   * 2.6.2's. Fails (rather than skips) when 2.6.2 refuses the model: every case given here is one
   * it runs.
   */
  OracleComparison.Report checkAgainstOracle() {
    checkOracleShapes();
    OracleComparison.Report report;
    try {
      report = OracleComparison.compare(model, inputValues, InterpreterOptions.referenceKernels());
    } catch (TestAbortedException e) {
      return fail("TensorFlow Lite 2.6.2 did not run the model: " + e.getMessage());
    }
    assertTrue(report.tensorsCompared() >= model.mainSubgraph().outputs().size(), "no outputs were compared");
    return report;
  }

  /** LiteQuant's output shapes equal the shapes the test declared. */
  void checkShapes() {
    Interpreter it = Interpreter.create(model, InterpreterOptions.referenceKernels());
    for (int i = 0; i < it.outputCount(); i++) {
      Shape declared = model.mainSubgraph().outputs().get(i).shape();
      assertEquals(declared, it.output(i).shape(), "shape of output " + i);
    }
  }

  /**
   * 2.6.2 computes output shapes when it allocates tensors; they must equal the declared ones.
   * (Alone, for empty outputs: the 2.6.2 Java API cannot read a tensor of zero elements.)
   */
  void checkOracleShapes() {
    checkShapes();
    ExposedModel exposed = ExposedModel.of(ModelWriter.write(model));
    TfLiteOracle.ModelInfo info;
    try {
      info = TfLiteOracle.inspect(exposed.bytes());
    } catch (TfLiteOracle.RejectedException e) {
      fail("TensorFlow Lite 2.6.2 did not load the model: " + e.getMessage());
      return;
    }
    for (int i = 0; i < model.mainSubgraph().outputs().size(); i++) {
      int[] theirs = info.outputs().get(i).shape();
      assertArrayEquals(model.mainSubgraph().outputs().get(i).shape().dims(), theirs,
          "TensorFlow Lite 2.6.2's shape of output " + i + " (the test's declared shape is wrong?)");
    }
  }

  /** Runs LiteQuant's interpreter alone (for cases 2.6.2 refuses) and returns every output. */
  List<TensorValue> run() {
    checkShapes();
    Interpreter it = Interpreter.create(model, InterpreterOptions.referenceKernels());
    for (int i = 0; i < inputValues.size(); i++) {
      it.setInput(i, inputValues.get(i));
    }
    it.invoke();
    List<TensorValue> outs = new ArrayList<>();
    for (int i = 0; i < it.outputCount(); i++) {
      outs.add(it.getOutput(i));
    }
    return outs;
  }

  /** Random values: floats in [-2, 2), small signed integers, full-range 8/16-bit, random bools. */
  static TensorValue randomValue(DataType type, int[] shape, Random r) {
    Shape s = Shape.of(shape);
    int n = (int) s.elementCount();
    switch (type) {
      case FLOAT32 -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = r.nextFloat() * 4 - 2;
        }
        return TensorValue.ofFloats(s, v);
      }
      case INT32 -> {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = r.nextInt(2001) - 1000;
        }
        return TensorValue.ofInts(s, v);
      }
      case INT64 -> {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = r.nextLong();
        }
        return TensorValue.ofLongs(s, v);
      }
      case INT8, UINT8 -> {
        byte[] v = new byte[n];
        r.nextBytes(v);
        return TensorValue.ofBytes(type, s, v);
      }
      case BOOL -> {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
          v[i] = (byte) r.nextInt(2);
        }
        return TensorValue.ofBytes(type, s, v);
      }
      case INT16 -> {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
          v[i] = (short) r.nextInt(65536);
        }
        return TensorValue.ofShorts(type, s, v);
      }
      default -> throw new IllegalArgumentException("no random values for " + type);
    }
  }

  /** 0, 1, 2, ... as floats: easy to follow in hand-worked examples. */
  static TensorValue iota(int... shape) {
    Shape s = Shape.of(shape);
    float[] v = new float[(int) s.elementCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return TensorValue.ofFloats(s, v);
  }

  static int[] shape(int... dims) {
    return dims;
  }

  @Override
  public String toString() {
    return model == null ? "(unbuilt)" : model.mainSubgraph().operators().get(0).displayName() + " "
        + Arrays.toString(model.mainSubgraph().outputs().stream().map(Tensor::shape).toArray());
  }
}
