package dev.litequant.runtime;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import java.util.Arrays;
import java.util.List;

/** What a {@link KernelFactory} sees of one operator while preparing it. */
public final class OpContext {
  private final Operator op;
  private final int index;
  private final int subgraph;
  private final List<RuntimeTensor> inputs;
  private final List<RuntimeTensor> outputs;
  private boolean shapeOnly;

  OpContext(Operator op, int index, int subgraph, List<RuntimeTensor> inputs, List<RuntimeTensor> outputs) {
    this.op = op;
    this.index = index;
    this.subgraph = subgraph;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  public Operator operator() {
    return op;
  }

  public int operatorIndex() {
    return index;
  }

  public int inputCount() {
    return inputs.size();
  }

  public int outputCount() {
    return outputs.size();
  }

  /** Input {@code i}, or null when it is omitted (an optional input) or absent. */
  public RuntimeTensor input(int i) {
    return i < inputs.size() ? inputs.get(i) : null;
  }

  /** Input {@code i}, which the operator requires. */
  public RuntimeTensor requireInput(int i) {
    RuntimeTensor t = input(i);
    if (t == null) {
      throw invalid("input " + i + " is missing");
    }
    return t;
  }

  public RuntimeTensor output(int i) {
    if (i >= outputs.size()) {
      throw invalid("output " + i + " is missing");
    }
    return outputs.get(i);
  }

  /** The operator's options, or the schema defaults when the file has none. */
  public Table options(String tableName) {
    Table t = op.options();
    if (t == null) {
      return Table.of(tableName);
    }
    if (!t.typeName().equals(tableName)) {
      throw invalid("has " + t.typeName() + " where " + tableName + " was expected");
    }
    return t;
  }

  /** Sets the shape of output {@code i} (TensorFlow Lite computes shapes; the file's are hints). */
  public void setOutputShape(int i, int... dims) {
    for (int d : dims) {
      if (d < 0) {
        throw invalid("would produce output " + i + " with shape " + Arrays.toString(dims));
      }
    }
    output(i).setShape(dims);
  }

  /**
   * The integer values of input {@code i}, which must be known before running: a constant, or
   * computed from constants and shapes. An empty tensor is always known.
   */
  public int[] knownInts(int i) {
    RuntimeTensor t = requireInput(i);
    if (t.size() == 0) {
      return new int[0];
    }
    if (!t.isKnown()) {
      throw unsupported("input " + i + " " + t + " must be a constant (or computable from constants): "
          + "LiteQuant's interpreter needs shapes fixed before it runs");
    }
    int[] v = new int[t.size()];
    for (int k = 0; k < v.length; k++) {
      long x = t.getLong(k);
      if (x != (int) x) {
        throw invalid("has value " + x + " in input " + i + " " + t + ", outside the 32-bit range");
      }
      v[k] = (int) x;
    }
    return v;
  }

  /**
   * Declares that the outputs depend only on the inputs' shapes, not their values (SHAPE): the
   * interpreter then computes them once while preparing, so that shapes derived from them are
   * fixed too. The kernel must not read its inputs' data.
   */
  public void declareShapeOnly() {
    shapeOnly = true;
  }

  boolean isShapeOnly() {
    return shapeOnly;
  }

  /** Checks that input {@code i} has one of the given types. */
  public RuntimeTensor requireType(int i, DataType... types) {
    RuntimeTensor t = requireInput(i);
    for (DataType d : types) {
      if (t.type() == d) {
        return t;
      }
    }
    throw unsupported("input " + i + " has type " + t.type().displayName());
  }

  /** An error for a model that is inconsistent (wrong shapes, bad options, ...). */
  public InvalidModelException invalid(String what) {
    return new InvalidModelException("Operator " + index + " (" + op.displayName() + ") of subgraph " + subgraph
        + " " + what + ".");
  }

  /** An error for something valid that this kernel does not implement. */
  public UnsupportedOperatorException unsupported(String what) {
    return new UnsupportedOperatorException(what);
  }

  /** Normalises a possibly negative axis against a rank. */
  public int axis(int axis, int rank) {
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw invalid("has axis " + axis + " outside a tensor of rank " + rank);
    }
    return a;
  }
}
