package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small graph edits the passes share: new tensors and conversion operators. */
final class GraphEdits {
  private GraphEdits() {}

  /** A new activation tensor like {@code like}, with another name, type and quantization. */
  static Tensor activation(Subgraph g, Tensor like, String name, DataType type, Quantization q) {
    Tensor t = new Tensor(name, type, like.shape()).setHasRank(like.hasRank()).setShapeSignature(like.shapeSignature());
    t.setQuantization(q);
    return g.addTensor(t);
  }

  /** A QUANTIZE (float to int, or a requantization between integer types) from {@code in} to {@code out}. */
  static Operator quantize(Tensor in, Tensor out) {
    return Operator.of(BuiltinOperator.QUANTIZE).addInput(in).addOutput(out);
  }

  static Operator dequantize(Tensor in, Tensor out) {
    return Operator.of(BuiltinOperator.DEQUANTIZE).addInput(in).addOutput(out);
  }

  /** Replaces every use of {@code from} as an input of {@code op} by {@code to}. */
  static void replaceInput(Operator op, Tensor from, Tensor to) {
    for (int i = 0; i < op.inputs().size(); i++) {
      if (op.inputs().get(i) == from) {
        op.inputs().set(i, to);
      }
    }
  }

  static void replaceOutput(Operator op, Tensor from, Tensor to) {
    for (int i = 0; i < op.outputs().size(); i++) {
      if (op.outputs().get(i) == from) {
        op.outputs().set(i, to);
      }
    }
  }

  /** Rebuilds the operator list with conversions inserted at the start and after given operators. */
  static void insert(Subgraph g, List<Operator> atStart, Map<Operator, List<Operator>> after) {
    List<Operator> ops = new ArrayList<>(atStart);
    for (Operator op : g.operators()) {
      ops.add(op);
      ops.addAll(after.getOrDefault(op, List.of()));
    }
    g.operators().clear();
    g.operators().addAll(ops);
  }

  /** Removes from the tensor list every tensor nothing refers to any more (e.g. float weights). */
  static void prune(dev.litequant.graph.Model model, Subgraph g) {
    Set<Tensor> used = Collections.newSetFromMap(new IdentityHashMap<>());
    used.addAll(g.inputs());
    used.addAll(g.outputs());
    for (Operator op : g.operators()) {
      for (Tensor t : op.inputs()) {
        if (t != null) {
          used.add(t);
        }
      }
      used.addAll(op.outputs());
      used.addAll(op.intermediates());
    }
    for (dev.litequant.graph.SignatureDef s : model.signatures()) {
      if (s.subgraph() == g) {
        used.addAll(s.inputs().values());
        used.addAll(s.outputs().values());
      }
    }
    g.tensors().removeIf(t -> !used.contains(t));
  }
}
