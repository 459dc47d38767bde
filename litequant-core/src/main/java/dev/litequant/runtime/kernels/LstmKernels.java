package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM in float32, as TensorFlow Lite's {@code
 * unidirectional_sequence_lstm.cc} and {@code lstm_eval.cc} compute it: optional CIFG (no input
 * gate), peephole connections, projection with clipping and layer normalisation; the two state
 * inputs are variable tensors updated in place, so a model carries state from one run to the next
 * until {@link dev.litequant.runtime.Interpreter#resetVariables()}.
 *
 * <p>Hybrid (int8 weights with float activations) and fully quantized (int8/int16) LSTMs are
 * reported as unsupported.
 */
public final class LstmKernels {
  private LstmKernels() {}

  /** Registers UNIDIRECTIONAL_SEQUENCE_LSTM up to version 3 (versions 2 and 3 differ only for hybrids). */
  public static void register(KernelRegistry.Builder b) {
    b.add(UNIDIRECTIONAL_SEQUENCE_LSTM, 3, LstmKernels::unidirectional);
  }

  static Kernel unidirectional(OpContext ctx) {
    if (ctx.inputCount() != 20 && ctx.inputCount() != LstmInputs.COUNT) {
      throw ctx.invalid("has " + ctx.inputCount() + " inputs; an LSTM takes 24 (or 20, without layer norm)");
    }
    if (ctx.outputCount() != 1) {
      throw ctx.invalid("has " + ctx.outputCount() + " outputs; a unidirectional LSTM has 1");
    }
    RuntimeTensor input = ctx.requireInput(LstmInputs.INPUT);
    checkFloat(ctx, input);
    Table o = ctx.options("UnidirectionalSequenceLSTMOptions");
    if (o.getBool("diagonal_recurrent_tensors")) {
      throw ctx.unsupported("diagonal recurrent weights (an option newer than TensorFlow Lite 2.6)");
    }
    if (input.rank() != 3) {
      throw ctx.invalid("has input " + input + "; a sequence LSTM needs a rank-3 input");
    }
    boolean timeMajor = o.getBool("time_major");
    int maxTime = timeMajor ? input.dim(0) : input.dim(1);
    int batches = timeMajor ? input.dim(1) : input.dim(0);
    float cellClip = o.getFloat("cell_clip");
    float projClip = o.getFloat("proj_clip");
    if (!(cellClip >= 0) || !(projClip >= 0)) {
      throw ctx.invalid("has cell_clip " + cellClip + " and proj_clip " + projClip + "; both must be >= 0");
    }
    LstmInputs in = LstmInputs.of(ctx, input.dim(2));
    checkState(ctx, LstmInputs.OUTPUT_STATE, batches * in.outputs(), "output state", batches, in.outputs());
    checkState(ctx, LstmInputs.CELL_STATE, batches * in.cells(), "cell state", batches, in.cells());
    RuntimeTensor output = ctx.output(0);
    if (output.type() != DataType.FLOAT32) {
      throw ctx.unsupported(output.type().displayName() + " output");
    }
    int[] outShape = input.shape();
    outShape[2] = in.outputs();
    ctx.setOutputShape(0, outShape);
    LstmActivation activation = activation(ctx, o.getInt("fused_activation_function"));
    LstmCell cell = new LstmCell(in, activation, cellClip, projClip, timeMajor ? batches : 1);
    RuntimeTensor outputState = ctx.requireInput(LstmInputs.OUTPUT_STATE);
    RuntimeTensor cellState = ctx.requireInput(LstmInputs.CELL_STATE);
    return () -> cell.runSequence(input.floats(), output.floats(), outputState.floats(), cellState.floats(),
        maxTime, batches, timeMajor);
  }

  private static LstmActivation activation(OpContext ctx, int code) {
    if (code < 0 || code >= FusedActivation.values().length) {
      throw ctx.invalid("has unknown fused activation code " + code);
    }
    return LstmActivation.of(code);
  }

  /** The input must be float32; integer inputs mean a quantized LSTM. */
  private static void checkFloat(OpContext ctx, RuntimeTensor input) {
    if (input.type() != DataType.FLOAT32) {
      throw ctx.unsupported(input.type().displayName() + " input (quantized LSTMs are not implemented; "
          + "only float32)");
    }
  }

  /** TensorFlow Lite updates the states in place, so they must be variables of the right size. */
  private static void checkState(OpContext ctx, int index, int elements, String what, int batches, int units) {
    RuntimeTensor t = ctx.input(index);
    if (t == null || !t.tensor().isVariable()) {
      throw ctx.invalid("input " + index + " (" + what + ") must be a variable tensor"
          + (t == null ? ", but it is missing" : ", but " + t + " is not"));
    }
    if (t.type() != DataType.FLOAT32) {
      throw ctx.unsupported(what + " of type " + t.type().displayName());
    }
    if (t.size() != elements) {
      throw ctx.invalid("has " + what + " " + t + " for " + batches + " batches of " + units + " units");
    }
  }
}
