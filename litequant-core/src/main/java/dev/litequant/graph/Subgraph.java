package dev.litequant.graph;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subgraph: its tensors, inputs, outputs and operators in execution order. All lists are live
 * and mutable; tensors referenced by operators, inputs and outputs must also be in {@link
 * #tensors()} when the model is written.
 */
public final class Subgraph {
  private String name;
  private final List<Tensor> tensors = new ArrayList<>();
  private final List<Tensor> inputs = new ArrayList<>();
  private final List<Tensor> outputs = new ArrayList<>();
  private final List<Operator> operators = new ArrayList<>();

  public Subgraph(String name) {
    this.name = name;
  }

  /** The subgraph's name, or null when the file has none. */
  public String name() {
    return name;
  }

  public Subgraph setName(String name) {
    this.name = name;
    return this;
  }

  public List<Tensor> tensors() {
    return tensors;
  }

  public List<Tensor> inputs() {
    return inputs;
  }

  public List<Tensor> outputs() {
    return outputs;
  }

  public List<Operator> operators() {
    return operators;
  }

  /** Adds a tensor to the tensor list and returns it. */
  public Tensor addTensor(Tensor t) {
    tensors.add(t);
    return t;
  }

  /** Position of a tensor in {@link #tensors()} (by identity), or -1. */
  public int indexOf(Tensor t) {
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i) == t) {
        return i;
      }
    }
    return -1;
  }

  /** The first tensor with this name, or null. */
  public Tensor tensorNamed(String tensorName) {
    for (Tensor t : tensors) {
      if (t.name().equals(tensorName)) {
        return t;
      }
    }
    return null;
  }

  /** For every tensor an operator writes, that operator. */
  public Map<Tensor, Operator> producers() {
    Map<Tensor, Operator> m = new IdentityHashMap<>();
    for (Operator op : operators) {
      for (Tensor t : op.outputs()) {
        m.put(t, op);
      }
    }
    return m;
  }

  /** For every tensor, the operators that read it, in execution order. */
  public Map<Tensor, List<Operator>> consumers() {
    Map<Tensor, List<Operator>> m = new IdentityHashMap<>();
    for (Operator op : operators) {
      for (Tensor t : op.inputs()) {
        if (t != null) {
          m.computeIfAbsent(t, k -> new ArrayList<>()).add(op);
        }
      }
    }
    return m;
  }

  @Override
  public String toString() {
    return "subgraph '" + name + "' (" + operators.size() + " operators, " + tensors.size() + " tensors)";
  }
}
