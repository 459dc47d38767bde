package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Operator;

/**
 * Which inputs of an operator are weights that dynamic-range quantization may store as int8: the
 * table of the official weight quantizer ({@code quantize_weights.cc}, GetWeightInputIndices).
 * Other constants (an ADD's operand, a PAD value) stay float, as they do there.
 */
final class WeightInputs {
  private static final int[] NONE = {};
  private static final int[] LSTM = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16};
  private static final int[] BIDIRECTIONAL_LSTM = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 18, 19, 20, 21, 22, 23, 24,
    25, 26, 27, 28, 33, 40, 41, 42, 43, 44, 45, 46, 47};
  private static final int[] BIDIRECTIONAL_RNN = {1, 2, 4, 5, 6, 8, 9, 10, 11};

  private WeightInputs() {}

  static int[] of(Operator op) {
    BuiltinOperator type = op.type();
    if (type == null) {
      return NONE;
    }
    return switch (type) {
      case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, EMBEDDING_LOOKUP, TRANSPOSE_CONV -> new int[] {1};
      case GATHER -> new int[] {0};
      case SVDF, RNN, UNIDIRECTIONAL_SEQUENCE_RNN -> new int[] {1, 2};
      case LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM -> LSTM.clone();
      case BIDIRECTIONAL_SEQUENCE_LSTM -> BIDIRECTIONAL_LSTM.clone();
      case BIDIRECTIONAL_SEQUENCE_RNN -> BIDIRECTIONAL_RNN.clone();
      default -> NONE;
    };
  }

  static boolean isWeight(Operator op, int input) {
    for (int i : of(op)) {
      if (i == input) {
        return true;
      }
    }
    return false;
  }
}
