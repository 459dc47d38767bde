package dev.litequant.quantize;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;

/**
 * The first operator that writes a quantized int8, uint8 or int16 tensor: what tells a quantized
 * model from a float one (weight-only models, whose DEQUANTIZE writes float, count as float).
 *
 * @param index the operator's index in its subgraph
 */
public record QuantizedActivation(int index, Operator op, Tensor tensor) {
  /** The first such operator in any subgraph, or null for a float model. */
  public static QuantizedActivation find(Model m) {
    for (Subgraph g : m.subgraphs()) {
      for (int i = 0; i < g.operators().size(); i++) {
        for (Tensor t : g.operators().get(i).outputs()) {
          if ((t.type() == DataType.INT8 || t.type() == DataType.UINT8 || t.type() == DataType.INT16)
              && t.isQuantized()) {
            return new QuantizedActivation(i, g.operators().get(i), t);
          }
        }
      }
    }
    return null;
  }
}
