package dev.litequant.quantize;

import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;

/**
 * Pass 7: each operator declares at least the version its new tensor types need, and tensors
 * nothing uses any more (the float weights) leave the model.
 */
final class FinishModel {
  private FinishModel() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      for (Operator op : g.operators()) {
        op.setVersion(Math.max(op.version(), OpVersions.required(op)));
      }
      GraphEdits.prune(c.model, g);
    }
  }
}
