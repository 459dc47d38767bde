package dev.litequant.quantize;

import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Pass 5: the int8 kernels of CONCATENATION, PACK, MAXIMUM and MINIMUM need every input at the
 * output's scale and zero point; an input with other parameters gets a requantizing QUANTIZE just
 * before the operator.
 */
final class RequantizeInputs {
  private RequantizeInputs() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      List<Operator> ops = new ArrayList<>();
      for (Operator op : g.operators()) {
        OpQuantSpec spec = c.quantized.get(op);
        if (spec != null && spec.output() instanceof OutputRule.RequantizeInputs) {
          Quantization target = op.output(0).quantization();
          for (int k = 0; k < op.inputs().size(); k++) {
            Tensor in = op.input(k);
            if (in == null || in.type() != c.activationType || target.equals(in.quantization())) {
              continue;
            }
            Tensor requantized = GraphEdits.activation(g, in, in.name() + "_requantized", c.activationType,
                target);
            ops.add(GraphEdits.quantize(in, requantized));
            op.inputs().set(k, requantized);
          }
        }
        ops.add(op);
      }
      g.operators().clear();
      g.operators().addAll(ops);
    }
  }
}
