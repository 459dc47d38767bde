package dev.litequant.evaluate;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds, for each computed tensor of a quantized model, the float model's tensor it stands for.
 * Quantizers keep activation names and mark the tensors they add with suffixes ({@code _int8},
 * {@code _quantized}, {@code _dequantize}, ...), so names match once those are stripped; the element
 * counts must match too.
 */
final class TensorPairing {
  private static final List<String> SUFFIXES = List.of("_int8", "_int16", "_uint8", "_requantized", "_quantized",
      "_dequantize", "_dequant", "_float");

  /** A quantized-model tensor and its float counterpart, by index in each main subgraph. */
  record Pair(int quantized, int reference, int operatorIndex, String operator) {}

  private TensorPairing() {}

  static List<Pair> pair(Model reference, Model quantized) {
    Subgraph f = reference.mainSubgraph();
    Map<String, Tensor> byName = new HashMap<>();
    for (Tensor t : f.tensors()) {
      if (!t.isConstant() && t.type() == DataType.FLOAT32) {
        byName.putIfAbsent(t.name(), t);
      }
    }
    Subgraph q = quantized.mainSubgraph();
    List<Pair> pairs = new ArrayList<>();
    for (Tensor t : q.inputs()) {
      add(pairs, f, q, t, byName, -1, "input");
    }
    for (int i = 0; i < q.operators().size(); i++) {
      Operator op = q.operators().get(i);
      for (Tensor t : op.outputs()) {
        add(pairs, f, q, t, byName, i, op.displayName());
      }
    }
    return pairs;
  }

  private static void add(List<Pair> pairs, Subgraph f, Subgraph q, Tensor t, Map<String, Tensor> byName, int op,
      String operator) {
    if (!comparable(t)) {
      return;
    }
    Tensor match = match(t, byName);
    if (match != null) {
      pairs.add(new Pair(q.indexOf(t), f.indexOf(match), op, operator));
    }
  }

  /** Float tensors, and integer tensors with one scale (a value a person can compare). */
  static boolean comparable(Tensor t) {
    if (t.type() == DataType.FLOAT32) {
      return true;
    }
    Quantization qz = t.quantization();
    boolean integer = t.type() == DataType.INT8 || t.type() == DataType.UINT8 || t.type() == DataType.INT16;
    return integer && qz != null && qz.hasScale() && !qz.isPerAxis();
  }

  private static Tensor match(Tensor t, Map<String, Tensor> byName) {
    String name = t.name();
    while (true) {
      Tensor candidate = byName.get(name);
      if (candidate != null && candidate.shape().elementCount() == t.shape().elementCount()) {
        return candidate;
      }
      String stripped = stripSuffix(name);
      if (stripped.equals(name)) {
        return null;
      }
      name = stripped;
    }
  }

  private static String stripSuffix(String name) {
    for (String s : SUFFIXES) {
      if (name.endsWith(s) && name.length() > s.length()) {
        return name.substring(0, name.length() - s.length());
      }
    }
    return name;
  }
}
