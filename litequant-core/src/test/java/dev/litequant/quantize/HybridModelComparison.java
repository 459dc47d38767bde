package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.ExposedModel;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares every tensor of a dynamic-range model's main subgraph between LiteQuant's interpreter
 * and TensorFlow Lite 2.6.2. An operator whose inputs agree bit for bit must produce outputs that
 * agree bit for bit when it is a hybrid operator, a DEQUANTIZE or an integer operator (all are
 * exact in LiteQuant). LiteQuant's float kernels are not bit-exact with 2.6.2's (other summation
 * orders, libm), so a float operator's outputs only need to agree within the float tolerance, and
 * tensors downstream of a difference within a looser one: a hybrid operator turns a last-bit
 * difference in its input into an occasional one-code difference of the quantized input.
 */
final class HybridModelComparison {
  static final double DOWNSTREAM_TOLERANCE = 1e-2;

  private HybridModelComparison() {}

  /**
   * What was compared: tensors in all, of which required bit-identical, and those that were; hybrid
   * operators, and the output elements of their replays (each hybrid operator run alone on
   * 2.6.2's own input values, in both interpreters, bit for bit).
   */
  record Result(int tensors, int exactRequired, int identical, int hybridOps, long replayedElements) {}

  static Result compare(Model q, List<TensorValue> inputs) {
    byte[] bytes = ModelWriter.write(q);
    Map<Integer, TfLiteOracle.Output> theirs = ExposedModel.of(bytes).runWithShapes(
        inputs.stream().map(TensorValue::toBytes).toList());
    Map<Integer, TensorValue> ours = OracleComparison.runObservingAll(q, inputs, InterpreterOptions.defaults());
    Subgraph g = q.mainSubgraph();
    Set<Tensor> differing = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Tensor> downstream = Collections.newSetFromMap(new IdentityHashMap<>());
    int tensors = 0;
    int required = 0;
    int identical = 0;
    int hybrid = 0;
    for (Operator op : g.operators()) {
      boolean inputsIdentical = true;
      boolean inputsDownstream = false;
      for (Tensor t : op.inputs()) {
        if (t != null && differing.contains(t)) {
          inputsIdentical = false;
        }
        if (t != null && downstream.contains(t)) {
          inputsDownstream = true;
        }
      }
      boolean exactOp = isHybrid(op) || !SelectOperators.touchesFloat(op) || op.is(BuiltinOperator.DEQUANTIZE);
      hybrid += isHybrid(op) ? 1 : 0;
      for (Tensor t : op.outputs()) {
        int index = g.indexOf(t);
        TfLiteOracle.Output their = theirs.get(index);
        TensorValue mine = ours.get(index);
        if (their == null || mine == null) {
          continue;
        }
        assertEquals(Arrays.toString(their.shape()), mine.shape().toString(), () -> "shape of " + t);
        TensorValue other = TensorValue.fromBytes(t.type(), mine.shape(), their.data());
        boolean same = Arrays.equals(mine.toBytes(), other.toBytes());
        tensors++;
        identical += same ? 1 : 0;
        if (exactOp && inputsIdentical) {
          required++;
          assertTrue(same, () -> "tensor " + index + " " + t + " of " + op + " (inputs identical) differs from "
              + "TensorFlow Lite 2.6.2 at " + QuantizedOracleDiff.first(mine, other));
        } else {
          double err = OracleComparison.difference(mine, other, t);
          double tolerance = t.type() != DataType.FLOAT32 ? (inputsIdentical ? 0 : Double.POSITIVE_INFINITY)
              : inputsDownstream || !inputsIdentical ? DOWNSTREAM_TOLERANCE : OracleComparison.FLOAT_TOLERANCE;
          assertTrue(err <= tolerance, () -> "tensor " + index + " " + t + " of " + op
              + " differs from TensorFlow Lite 2.6.2: relative error " + err + " > " + tolerance);
        }
        if (!same) {
          differing.add(t);
          downstream.add(t);
        } else if (inputsDownstream) {
          downstream.add(t);
        }
      }
    }
    long replayed = 0;
    for (Operator op : g.operators()) {
      if (isHybrid(op)) {
        replayed += replay(op, g, theirs);
      }
    }
    return new Result(tensors, required, identical, hybrid, replayed);
  }

  /**
   * Runs one operator alone, fed with the values 2.6.2 computed for its inputs in the whole model,
   * in both interpreters; every output must have the same bits. Returns the elements compared.
   */
  static long replay(Operator op, Subgraph g, Map<Integer, TfLiteOracle.Output> theirs) {
    ModelBuilder b = new ModelBuilder();
    List<Tensor> inputs = new ArrayList<>();
    List<TensorValue> values = new ArrayList<>();
    for (Tensor t : op.inputs()) {
      if (t == null) {
        inputs.add(null);
      } else if (t.isConstant()) {
        Tensor c = b.constant(t.name(), t.type(), t.buffer(), t.shape().dims());
        c.setQuantization(t.quantization());
        inputs.add(c);
      } else {
        TfLiteOracle.Output v = theirs.get(g.indexOf(t));
        if (v == null) {
          return 0; // a model input the exposed run does not report: already compared as an input
        }
        Tensor in = b.input(t.name(), t.type(), v.shape());
        in.setQuantization(t.quantization());
        inputs.add(in);
        values.add(TensorValue.fromBytes(t.type(), dev.litequant.graph.Shape.of(v.shape()), v.data()));
      }
    }
    List<Tensor> outputs = new ArrayList<>();
    for (Tensor t : op.outputs()) {
      Tensor o = b.tensor(t.name(), t.type(), t.shape().dims());
      o.setQuantization(t.quantization());
      outputs.add(o);
    }
    b.operator(op.type(), op.options(), inputs, outputs).setVersion(op.version());
    Model single = b.output(outputs.toArray(new Tensor[0])).build();
    List<byte[]> expected = TfLiteOracle.run(ModelWriter.write(single), values.stream().map(TensorValue::toBytes).toList());
    long elements = 0;
    for (InterpreterOptions options : List.of(InterpreterOptions.referenceKernels(), InterpreterOptions.defaults())) {
      dev.litequant.runtime.Interpreter it = dev.litequant.runtime.Interpreter.create(single, options);
      for (int i = 0; i < values.size(); i++) {
        it.setInput(i, values.get(i));
      }
      it.invoke();
      elements = 0;
      for (int i = 0; i < it.outputCount(); i++) {
        TensorValue mine = it.getOutput(i);
        TensorValue other = TensorValue.fromBytes(mine.type(), mine.shape(), expected.get(i));
        int index = i;
        assertTrue(Arrays.equals(mine.toBytes(), expected.get(i)), () -> op + " replayed alone on TensorFlow Lite "
            + "2.6.2's inputs: output " + index + " differs at " + QuantizedOracleDiff.first(mine, other));
        elements += mine.size();
      }
    }
    return elements;
  }

  /** An operator that reads int8 weights with a float input. */
  static boolean isHybrid(Operator op) {
    Tensor x = op.input(0);
    Tensor w = op.is(BuiltinOperator.EMBEDDING_LOOKUP) ? op.input(1) : op.input(1);
    boolean floatOut = !op.outputs().isEmpty() && op.output(0).type() == DataType.FLOAT32;
    if (op.is(BuiltinOperator.EMBEDDING_LOOKUP)) {
      return floatOut && w != null && w.type() == DataType.INT8;
    }
    return floatOut && x != null && x.type() == DataType.FLOAT32 && w != null && w.type() == DataType.INT8;
  }

  /** The first differing element, for messages. */
  static final class QuantizedOracleDiff {
    private QuantizedOracleDiff() {}

    static String first(TensorValue a, TensorValue b) {
      byte[] x = a.toBytes();
      byte[] y = b.toBytes();
      int width = (int) a.type().bytesFor(1);
      int count = 0;
      int at = -1;
      for (int i = 0; i < x.length; i += width) {
        if (!Arrays.equals(x, i, i + width, y, i, i + width)) {
          count++;
          at = at < 0 ? i / width : at;
        }
      }
      return "element " + at + " (" + count + " elements differ): ours " + a + ", theirs " + b;
    }
  }
}
