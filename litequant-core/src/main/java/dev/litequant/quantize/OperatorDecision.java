package dev.litequant.quantize;

/**
 * What the quantizer did with one operator of the original model.
 *
 * @param subgraph subgraph index
 * @param index operator index in the original subgraph
 * @param op the operator's display name (e.g. {@code CONV_2D})
 * @param outcome quantized, kept float, or removed
 * @param reason why it stayed float or was removed (null when quantized)
 */
public record OperatorDecision(int subgraph, int index, String op, Outcome outcome, String reason) {
  /** The three things that can happen to an operator. */
  public enum Outcome {
    /** It now runs with quantized tensors. */
    QUANTIZED,
    /** It stays float, between DEQUANTIZE and QUANTIZE. */
    FLOAT,
    /** It is gone: a constant DEQUANTIZE folded into the weights it computed. */
    REMOVED
  }

  public boolean quantized() {
    return outcome == Outcome.QUANTIZED;
  }
}
