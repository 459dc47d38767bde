package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * The weights of one float LSTM cell, in TensorFlow Lite's input order, checked the way TensorFlow
 * Lite checks them: optional parts (input gate, peephole, projection, layer norm) are present all
 * together or not at all, and every shape agrees with {@code n_input}, {@code n_cell} (rows of the
 * input-to-output weights) and {@code n_output} (columns of the recurrent-to-output weights).
 * Missing optional tensors are null.
 */
record LstmInputs(int inputSize, int cells, int outputs,
    RuntimeTensor inputToInput, RuntimeTensor inputToForget, RuntimeTensor inputToCell, RuntimeTensor inputToOutput,
    RuntimeTensor recurrentToInput, RuntimeTensor recurrentToForget, RuntimeTensor recurrentToCell,
    RuntimeTensor recurrentToOutput,
    RuntimeTensor cellToInput, RuntimeTensor cellToForget, RuntimeTensor cellToOutput,
    RuntimeTensor inputGateBias, RuntimeTensor forgetGateBias, RuntimeTensor cellGateBias,
    RuntimeTensor outputGateBias,
    RuntimeTensor projectionWeights, RuntimeTensor projectionBias,
    RuntimeTensor inputLayerNorm, RuntimeTensor forgetLayerNorm, RuntimeTensor cellLayerNorm,
    RuntimeTensor outputLayerNorm) {

  static final int INPUT = 0;
  static final int OUTPUT_STATE = 18;
  static final int CELL_STATE = 19;
  static final int COUNT = 24;

  /** No input gate: it is computed as 1 - forget gate (Coupled Input and Forget Gate). */
  boolean cifg() {
    return inputToInput == null;
  }

  boolean peephole() {
    return cellToOutput != null;
  }

  boolean layerNorm() {
    return forgetLayerNorm != null;
  }

  /** Reads and checks inputs 1-17 and 20-23 of an LSTM whose input rows have {@code inputSize} values. */
  static LstmInputs of(OpContext ctx, int inputSize) {
    RuntimeTensor i2o = weight(ctx, 4);
    if (i2o.rank() != 2) {
      throw ctx.invalid("has input-to-output weights " + i2o + "; they must be 2-D [cells, input size]");
    }
    int cells = i2o.dim(0);
    RuntimeTensor r2o = weight(ctx, 8);
    if (r2o.rank() != 2) {
      throw ctx.invalid("has recurrent-to-output weights " + r2o + "; they must be 2-D [cells, outputs]");
    }
    int outputs = r2o.dim(1);
    Checker c = new Checker(ctx, inputSize, cells, outputs);
    RuntimeTensor i2i = c.matrix(1, "input-to-input weights", cells, inputSize, false);
    RuntimeTensor i2f = c.matrix(2, "input-to-forget weights", cells, inputSize, true);
    RuntimeTensor i2c = c.matrix(3, "input-to-cell weights", cells, inputSize, true);
    c.matrix(4, "input-to-output weights", cells, inputSize, true);
    RuntimeTensor r2i = c.matrix(5, "recurrent-to-input weights", cells, outputs, false);
    RuntimeTensor r2f = c.matrix(6, "recurrent-to-forget weights", cells, outputs, true);
    RuntimeTensor r2c = c.matrix(7, "recurrent-to-cell weights", cells, outputs, true);
    c.matrix(8, "recurrent-to-output weights", cells, outputs, true);
    if ((i2i == null) != (r2i == null)) {
      throw ctx.invalid("has only one of the input-to-input and recurrent-to-input weights (inputs 1 and 5); "
          + "a CIFG LSTM omits both");
    }
    boolean cifg = i2i == null;
    RuntimeTensor c2i = c.vector(9, "cell-to-input (peephole) weights", cells, false);
    RuntimeTensor c2f = c.vector(10, "cell-to-forget (peephole) weights", cells, false);
    RuntimeTensor c2o = c.vector(11, "cell-to-output (peephole) weights", cells, false);
    boolean allPeephole = (c2i != null || cifg) && c2f != null && c2o != null;
    boolean noPeephole = c2i == null && c2f == null && c2o == null;
    if (!allPeephole && !noPeephole) {
      throw ctx.invalid("has only some of the peephole weights (inputs 9-11); give all of them"
          + (cifg ? " except cell-to-input (CIFG)" : "") + ", or none");
    }
    RuntimeTensor inputBias = c.vector(12, "input gate bias", cells, false);
    if (cifg != (inputBias == null)) {
      throw ctx.invalid(cifg ? "has an input gate bias (input 12) but no input gate weights (CIFG)"
          : "has input gate weights but no input gate bias (input 12)");
    }
    RuntimeTensor forgetBias = c.vector(13, "forget gate bias", cells, true);
    RuntimeTensor cellBias = c.vector(14, "cell gate bias", cells, true);
    RuntimeTensor outputBias = c.vector(15, "output gate bias", cells, true);
    RuntimeTensor projection = c.matrix(16, "projection weights", outputs, cells, false);
    RuntimeTensor projectionBias = c.vector(17, "projection bias", outputs, false);
    if (projection == null && projectionBias != null) {
      throw ctx.invalid("has a projection bias (input 17) but no projection weights (input 16)");
    }
    if (projection == null && outputs != cells) {
      throw ctx.invalid("has " + outputs + " outputs but " + cells + " cells and no projection weights");
    }
    RuntimeTensor lnForget = ctx.inputCount() == COUNT ? c.vector(21, "forget layer norm coefficients", cells, false)
        : null;
    RuntimeTensor lnInput = null;
    RuntimeTensor lnCell = null;
    RuntimeTensor lnOutput = null;
    if (lnForget != null) {
      lnInput = c.vector(20, "input layer norm coefficients", cells, !cifg);
      if (cifg && lnInput != null) {
        throw ctx.invalid("has input layer norm coefficients (input 20) but no input gate (CIFG)");
      }
      lnCell = c.vector(22, "cell layer norm coefficients", cells, true);
      lnOutput = c.vector(23, "output layer norm coefficients", cells, true);
    }
    return new LstmInputs(inputSize, cells, outputs, i2i, i2f, i2c, i2o, r2i, r2f, r2c, r2o, c2i, c2f, c2o,
        inputBias, forgetBias, cellBias, outputBias, projection, projectionBias, lnInput, lnForget, lnCell, lnOutput);
  }

  /** A required weight, refusing hybrid (int8 weight) LSTMs before looking at shapes. */
  private static RuntimeTensor weight(OpContext ctx, int index) {
    RuntimeTensor t = ctx.requireInput(index);
    checkType(ctx, index, t);
    return t;
  }

  private static void checkType(OpContext ctx, int index, RuntimeTensor t) {
    if (t.type() == DataType.INT8 || t.type() == DataType.UINT8) {
      throw ctx.unsupported(t.type().displayName() + " weights (hybrid LSTMs with quantized weights are not "
          + "implemented; only float32)");
    }
    if (t.type() != DataType.FLOAT32) {
      throw ctx.unsupported("input " + index + " of type " + t.type().displayName() + " (only float32)");
    }
  }

  /** Shape and type checks that name the input and what it should be. */
  private record Checker(OpContext ctx, int inputSize, int cells, int outputs) {
    RuntimeTensor matrix(int index, String what, int rows, int cols, boolean required) {
      RuntimeTensor t = required ? ctx.requireInput(index) : ctx.input(index);
      if (t == null) {
        return null;
      }
      checkType(ctx, index, t);
      if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
        throw ctx.invalid("has " + what + " (input " + index + ") " + t + "; expected [" + rows + ", " + cols + "]");
      }
      return t;
    }

    RuntimeTensor vector(int index, String what, int length, boolean required) {
      RuntimeTensor t = required ? ctx.requireInput(index) : ctx.input(index);
      if (t == null) {
        return null;
      }
      checkType(ctx, index, t);
      if (t.rank() != 1 || t.dim(0) != length) {
        throw ctx.invalid("has " + what + " (input " + index + ") " + t + "; expected [" + length + "]");
      }
      return t;
    }
  }
}
