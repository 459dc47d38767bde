package dev.litequant.graph;

import dev.litequant.InvalidModelException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks the invariants every model LiteQuant reads or writes must keep: every referenced tensor
 * belongs to its subgraph, constant data matches its tensor's size, tensor sizes are sane, and
 * operators run in an order where each input is produced before it is read (no cycles).
 */
public final class ModelValidator {
  /** The largest tensor LiteQuant handles: Java arrays hold at most about 2^31 bytes. */
  public static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8L;

  private ModelValidator() {}

  public static void validate(Model model) {
    if (model.subgraphs().isEmpty()) {
      throw new InvalidModelException("The model has no subgraphs; it holds nothing to run.");
    }
    for (int s = 0; s < model.subgraphs().size(); s++) {
      validateSubgraph(model.subgraphs().get(s), s);
    }
    for (SignatureDef sig : model.signatures()) {
      int s = model.indexOf(sig.subgraph());
      if (s < 0) {
        throw new InvalidModelException(
            "Signature '" + sig.key() + "' refers to a subgraph that is not part of the model.");
      }
      Set<Tensor> members = members(sig.subgraph());
      checkSignatureTensors(sig, sig.inputs(), "input", members, s);
      checkSignatureTensors(sig, sig.outputs(), "output", members, s);
    }
  }

  private static void checkSignatureTensors(
      SignatureDef sig, Map<String, Tensor> map, String kind, Set<Tensor> members, int s) {
    for (Map.Entry<String, Tensor> e : map.entrySet()) {
      if (!members.contains(e.getValue())) {
        throw new InvalidModelException(
            "Signature '" + sig.key() + "' " + kind + " '" + e.getKey() + "' refers to tensor "
                + e.getValue() + ", which is not in subgraph " + s + ".");
      }
    }
  }

  private static Set<Tensor> members(Subgraph g) {
    Set<Tensor> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(g.tensors());
    return set;
  }

  private static void validateSubgraph(Subgraph g, int s) {
    Set<Tensor> members = members(g);
    if (members.size() != g.tensors().size()) {
      throw new InvalidModelException(
          "Subgraph " + s + " lists the same tensor object more than once in its tensor list.");
    }
    for (int i = 0; i < g.tensors().size(); i++) {
      checkTensor(g.tensors().get(i), i, s);
    }
    for (Tensor t : g.inputs()) {
      requireMember(members, t, "subgraph " + s + " input", s);
    }
    for (Tensor t : g.outputs()) {
      requireMember(members, t, "subgraph " + s + " output", s);
    }
    Map<Tensor, Integer> producedAt = new IdentityHashMap<>();
    for (int i = 0; i < g.operators().size(); i++) {
      Operator op = g.operators().get(i);
      String where = "operator " + i + " (" + op.displayName() + ") of subgraph " + s;
      for (Tensor t : op.inputs()) {
        if (t != null) {
          requireMember(members, t, where + " input", s);
        }
      }
      for (Tensor t : op.intermediates()) {
        requireMember(members, t, where + " intermediate", s);
      }
      for (Tensor t : op.outputs()) {
        requireMember(members, t, where + " output", s);
        Integer earlier = producedAt.put(t, i);
        if (earlier != null) {
          throw new InvalidModelException(
              "Tensor " + t + " (index " + g.indexOf(t) + ") of subgraph " + s
                  + " is written by two operators, " + earlier + " and " + i + ".");
        }
      }
    }
    for (int i = 0; i < g.operators().size(); i++) {
      Operator op = g.operators().get(i);
      for (Tensor t : op.inputs()) {
        Integer p = t == null ? null : producedAt.get(t);
        if (p != null && p >= i) {
          throw new InvalidModelException(
              "Operator " + i + " (" + op.displayName() + ") of subgraph " + s + " reads tensor " + t
                  + " (index " + g.indexOf(t) + "), which is produced by operator " + p + " ("
                  + g.operators().get(p).displayName() + ")"
                  + (p == i ? ", itself" : ", later in the execution order")
                  + ": the graph has a cycle or its operators are out of order.");
        }
      }
    }
  }

  private static void requireMember(Set<Tensor> members, Tensor t, String where, int s) {
    if (t == null) {
      throw new InvalidModelException("The " + where + " is missing (null).");
    }
    if (!members.contains(t)) {
      throw new InvalidModelException(
          "The " + where + " refers to tensor " + t + ", which is not in the tensor list of subgraph " + s + ".");
    }
  }

  private static void checkTensor(Tensor t, int index, int s) {
    String where = "Tensor " + index + " '" + t.name() + "' of subgraph " + s;
    if (!t.shape().isFullyDefined()) {
      throw new InvalidModelException(where + " has shape " + t.shape() + ": dimensions must be >= 0.");
    }
    long elements = t.shape().elementCount();
    long bytes = t.type().bytesFor(elements);
    if (elements == Long.MAX_VALUE || bytes > MAX_TENSOR_BYTES) {
      throw new InvalidModelException(
          where + " has shape " + t.shape() + ", which claims " + describeCount(elements) + " "
              + t.type().displayName() + " elements; LiteQuant supports tensors of at most "
              + MAX_TENSOR_BYTES + " bytes.");
    }
    if (t.isConstant() && t.sparsity() == null && bytes >= 0) {
      int size = t.buffer().size();
      boolean unpackedInt4 = t.type() == DataType.INT4 && size == elements;
      if (size != bytes && !unpackedInt4) {
        throw new InvalidModelException(
            where + " (" + t.type().displayName() + " " + t.shape() + ") needs " + bytes
                + " bytes of data, but its buffer holds " + size + " bytes.");
      }
    }
  }

  private static String describeCount(long n) {
    if (n == Long.MAX_VALUE) {
      return "more than 2^63";
    }
    int log = 63 - Long.numberOfLeadingZeros(Math.max(1, n));
    return n + " (about 2^" + log + ")";
  }
}
