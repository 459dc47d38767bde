package dev.litequant.quantize;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks LiteQuant's interpreter, one operator at a time, whether the quantized operators of a
 * rewritten graph can run: its integer kernels refuse exactly what TensorFlow Lite 2.6.2 refuses
 * or computes wrongly (a 16x8 SUM between differently scaled tensors, a FULLY_CONNECTED shape its
 * int16 kernel gets wrong, ...). The quantizer keeps the refused ones float and tries again.
 */
final class OperatorProbe {
  private OperatorProbe() {}

  /** Each quantized operator the interpreter refuses, with its reason. */
  static Map<Operator, String> refused(QuantizationContext c) {
    Map<Operator, String> out = new LinkedHashMap<>();
    for (Subgraph g : c.subgraphs) {
      for (Operator op : g.operators()) {
        if (c.isQuantized(op)) {
          String reason = reasonRefused(op);
          if (reason != null) {
            out.put(op, reason);
          }
        }
      }
    }
    return out;
  }

  private static String reasonRefused(Operator op) {
    try {
      Interpreter.create(alone(op), InterpreterOptions.referenceKernels());
      return null;
    } catch (LiteQuantException e) {
      // The probe model has one operator: drop the parts of the message that locate it.
      String m = e.getMessage().replaceFirst("^LiteQuant's interpreter cannot run 1 operator of this model: ", "")
          .replaceFirst("^Operator 0 \\([A-Z0-9_]+\\) of subgraph 0 ", "")
          .replaceFirst(" \\(operator 0\\)\\.$", "").replaceFirst("^[A-Z0-9_]+ v\\d+: ", "");
      return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
  }

  /** A model holding only {@code op}: its non-constant inputs become model inputs. */
  private static Model alone(Operator op) {
    Model m = new Model();
    Subgraph g = new Subgraph("probe");
    m.subgraphs().add(g);
    Map<Tensor, Tensor> copies = new IdentityHashMap<>();
    Operator copy = op.copy();
    List<Tensor> inputs = new ArrayList<>(copy.inputs());
    copy.inputs().clear();
    for (Tensor t : inputs) {
      if (t == null) {
        copy.inputs().add(null);
        continue;
      }
      Tensor c = copies.computeIfAbsent(t, OperatorProbe::copyOf);
      if (!t.isConstant() && !g.inputs().contains(c)) {
        g.inputs().add(c);
      }
      copy.inputs().add(c);
    }
    List<Tensor> outputs = new ArrayList<>(copy.outputs());
    copy.outputs().clear();
    for (Tensor t : outputs) {
      Tensor c = copies.computeIfAbsent(t, OperatorProbe::copyOf);
      copy.outputs().add(c);
      g.outputs().add(c);
    }
    copy.intermediates().replaceAll(t -> copies.computeIfAbsent(t, OperatorProbe::copyOf));
    copies.values().forEach(g::addTensor);
    g.operators().add(copy);
    return m;
  }

  private static Tensor copyOf(Tensor t) {
    Tensor c = new Tensor(t.name(), t.type(), t.shape()).setHasRank(t.hasRank())
        .setShapeSignature(t.shapeSignature());
    c.setQuantization(t.quantization());
    c.setVariable(t.isVariable());
    if (t.isConstant()) {
      c.setBuffer(t.buffer());
    }
    return c;
  }
}
