package dev.litequant.quantize;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;

/**
 * Pass 7: quantized operators carry the option values their table row asks for, each operator
 * declares at least the version its new tensor types need, and tensors nothing uses any more (the
 * float weights) leave the model.
 */
final class FinishModel {
  private FinishModel() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      for (Operator op : g.operators()) {
        OpQuantSpec spec = c.quantized.get(op);
        if (spec != null) {
          for (OpQuantSpec.OptionValue v : spec.options()) {
            Table options = op.options() != null ? op.options() : Table.of(v.table());
            op.setOptions(options.with(v.field(), v.value()));
          }
        }
        op.setVersion(Math.max(op.version(), OpVersions.required(op)));
      }
      GraphEdits.prune(c.model, g);
    }
  }
}
