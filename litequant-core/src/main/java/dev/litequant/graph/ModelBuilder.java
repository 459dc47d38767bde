package dev.litequant.graph;

import dev.litequant.flatbuf.Table;
import java.util.Arrays;
import java.util.List;

/**
 * Builds small models in code, for tests and examples:
 *
 * <pre>{@code
 * ModelBuilder b = new ModelBuilder();
 * Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
 * Tensor w = b.constant("w", new float[12], 3, 4);
 * Tensor y = b.apply(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"),
 *     "y", DataType.FLOAT32, new int[] {1, 3}, x, w, null);
 * Model m = b.output(y).signature("serving_default").build();
 * }</pre>
 */
public final class ModelBuilder {
  private final Model model = new Model();
  private final Subgraph graph = new Subgraph("main");

  public ModelBuilder() {
    model.subgraphs().add(graph);
    model.setDescription("Built by LiteQuant ModelBuilder");
  }

  /** The subgraph being built, for anything the shortcuts below do not cover. */
  public Subgraph subgraph() {
    return graph;
  }

  /** A new model input. */
  public Tensor input(String name, DataType type, int... shape) {
    Tensor t = tensor(name, type, shape);
    graph.inputs().add(t);
    return t;
  }

  /** A new tensor computed at run time (no data). */
  public Tensor tensor(String name, DataType type, int... shape) {
    return graph.addTensor(new Tensor(name, type, Shape.of(shape)).setHasRank(true));
  }

  /** A float32 constant. */
  public Tensor constant(String name, float[] values, int... shape) {
    return constant(name, DataType.FLOAT32, Buffer.ofFloats(values), shape);
  }

  /** An int32 constant. */
  public Tensor constantInts(String name, int[] values, int... shape) {
    return constant(name, DataType.INT32, Buffer.ofInts(values), shape);
  }

  /** A constant of any type with raw little-endian data. */
  public Tensor constant(String name, DataType type, Buffer data, int... shape) {
    Tensor t = tensor(name, type, shape);
    t.setBuffer(data);
    long need = t.byteSize();
    if (need >= 0 && need != data.size()) {
      throw new IllegalArgumentException("constant '" + name + "' " + type.displayName() + Arrays.toString(shape)
          + " needs " + need + " bytes, got " + data.size());
    }
    return t;
  }

  /** Adds an operator with the given inputs (null for an omitted optional input) and outputs. */
  public Operator operator(BuiltinOperator type, Table options, List<Tensor> inputs, List<Tensor> outputs) {
    Operator op = Operator.of(type).setOptions(options);
    op.inputs().addAll(inputs);
    op.outputs().addAll(outputs);
    graph.operators().add(op);
    return op;
  }

  /** Adds a single-output operator and returns its new output tensor. */
  public Tensor apply(BuiltinOperator type, Table options, String outName, DataType outType, int[] outShape,
      Tensor... inputs) {
    Tensor out = tensor(outName, outType, outShape);
    operator(type, options, Arrays.asList(inputs), List.of(out));
    return out;
  }

  /** Marks tensors as model outputs. */
  public ModelBuilder output(Tensor... outputs) {
    graph.outputs().addAll(Arrays.asList(outputs));
    return this;
  }

  /** Adds a signature mapping every input and output by tensor name. */
  public ModelBuilder signature(String key) {
    SignatureDef sig = new SignatureDef(key, graph);
    for (Tensor t : graph.inputs()) {
      sig.inputs().put(t.name(), t);
    }
    for (Tensor t : graph.outputs()) {
      sig.outputs().put(t.name(), t);
    }
    model.signatures().add(sig);
    return this;
  }

  /** The finished model, validated. */
  public Model build() {
    ModelValidator.validate(model);
    return model;
  }
}
