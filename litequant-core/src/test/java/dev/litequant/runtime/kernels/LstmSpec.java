package dev.litequant.runtime.kernels;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A float UNIDIRECTIONAL_SEQUENCE_LSTM model built in code, with seeded random weights (tests only). */
public final class LstmSpec {
  int batch = 1;
  int time = 4;
  int inputSize = 3;
  int cells = 5;
  int outputs = 5;
  boolean cifg;
  boolean peephole;
  boolean projection;
  boolean projectionBias;
  boolean layerNorm;
  boolean timeMajor;
  float cellClip;
  float projClip;
  float inputScale = 1f;
  int inputCount = 24;
  FusedActivation activation = FusedActivation.TANH;

  public LstmSpec batch(int v) {
    batch = v;
    return this;
  }

  public LstmSpec time(int v) {
    time = v;
    return this;
  }

  public LstmSpec cells(int v) {
    cells = v;
    if (!projection) {
      outputs = v;
    }
    return this;
  }

  public LstmSpec outputs(int v) {
    outputs = v;
    return this;
  }

  public LstmSpec cifg(boolean v) {
    cifg = v;
    return this;
  }

  public LstmSpec peephole(boolean v) {
    peephole = v;
    return this;
  }

  public LstmSpec projection(boolean v) {
    projection = v;
    return this;
  }

  public LstmSpec projectionBias(boolean v) {
    projectionBias = v;
    return this;
  }

  public LstmSpec layerNorm(boolean v) {
    layerNorm = v;
    return this;
  }

  public LstmSpec timeMajor(boolean v) {
    timeMajor = v;
    return this;
  }

  public LstmSpec cellClip(float v) {
    cellClip = v;
    return this;
  }

  public LstmSpec projClip(float v) {
    projClip = v;
    return this;
  }

  public LstmSpec inputScale(float v) {
    inputScale = v;
    return this;
  }

  public LstmSpec activation(FusedActivation v) {
    activation = v;
    return this;
  }

  public LstmSpec inputCount(int v) {
    inputCount = v;
    return this;
  }

  public int[] inputShape() {
    return timeMajor ? new int[] {time, batch, inputSize} : new int[] {batch, time, inputSize};
  }

  public int[] outputShape() {
    return timeMajor ? new int[] {time, batch, outputs} : new int[] {batch, time, outputs};
  }

  /** x -> LSTM -> y. */
  public Model build() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, inputShape());
    List<Tensor> weights = weights(b, new Random(42));
    Tensor y = lstm(b, x, weights, states(b), "y");
    return b.output(y).build();
  }

  /** x1 -> LSTM -> y1 and x2 -> LSTM -> y2 with the same weights and the same state tensors. */
  public Model buildChained() {
    ModelBuilder b = new ModelBuilder();
    Tensor x1 = b.input("x1", DataType.FLOAT32, inputShape());
    Tensor x2 = b.input("x2", DataType.FLOAT32, inputShape());
    List<Tensor> weights = weights(b, new Random(42));
    Tensor[] states = states(b);
    Tensor y1 = lstm(b, x1, weights, states, "y1");
    Tensor y2 = lstm(b, x2, weights, states, "y2");
    return b.output(y1, y2).build();
  }

  private Tensor[] states(ModelBuilder b) {
    Tensor h = b.tensor("output_state", DataType.FLOAT32, batch, outputs).setVariable(true);
    Tensor c = b.tensor("cell_state", DataType.FLOAT32, batch, cells).setVariable(true);
    return new Tensor[] {h, c};
  }

  private Tensor lstm(ModelBuilder b, Tensor x, List<Tensor> weights, Tensor[] states, String name) {
    List<Tensor> in = new ArrayList<>();
    in.add(x);
    in.addAll(weights.subList(0, 17));
    in.add(states[0]);
    in.add(states[1]);
    if (inputCount == 24) {
      in.addAll(weights.subList(17, 21));
    }
    Table options = Table.of("UnidirectionalSequenceLSTMOptions")
        .with("fused_activation_function", activation.code())
        .with("cell_clip", cellClip)
        .with("proj_clip", projClip)
        .with("time_major", timeMajor);
    Tensor y = b.tensor(name, DataType.FLOAT32, outputShape());
    b.operator(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, options, in, List.of(y));
    return y;
  }

  /** Inputs 1-17 then 20-23, null where this spec omits them. */
  private List<Tensor> weights(ModelBuilder b, Random r) {
    List<Tensor> w = new ArrayList<>();
    w.add(cifg ? null : matrix(b, r, "input_to_input", cells, inputSize));
    w.add(matrix(b, r, "input_to_forget", cells, inputSize));
    w.add(matrix(b, r, "input_to_cell", cells, inputSize));
    w.add(matrix(b, r, "input_to_output", cells, inputSize));
    w.add(cifg ? null : matrix(b, r, "recurrent_to_input", cells, outputs));
    w.add(matrix(b, r, "recurrent_to_forget", cells, outputs));
    w.add(matrix(b, r, "recurrent_to_cell", cells, outputs));
    w.add(matrix(b, r, "recurrent_to_output", cells, outputs));
    w.add(peephole && !cifg ? vector(b, r, "cell_to_input", cells, 0f) : null);
    w.add(peephole ? vector(b, r, "cell_to_forget", cells, 0f) : null);
    w.add(peephole ? vector(b, r, "cell_to_output", cells, 0f) : null);
    w.add(cifg ? null : vector(b, r, "input_gate_bias", cells, 0f));
    // A positive forget bias, as trained LSTMs usually have.
    w.add(vector(b, r, "forget_gate_bias", cells, 1f));
    w.add(vector(b, r, "cell_gate_bias", cells, 0f));
    w.add(vector(b, r, "output_gate_bias", cells, 0f));
    w.add(projection ? matrix(b, r, "projection", outputs, cells) : null);
    w.add(projection && projectionBias ? vector(b, r, "projection_bias", outputs, 0f) : null);
    w.add(layerNorm && !cifg ? vector(b, r, "input_layer_norm", cells, 1f) : null);
    w.add(layerNorm ? vector(b, r, "forget_layer_norm", cells, 1f) : null);
    w.add(layerNorm ? vector(b, r, "cell_layer_norm", cells, 1f) : null);
    w.add(layerNorm ? vector(b, r, "output_layer_norm", cells, 1f) : null);
    return w;
  }

  private static Tensor matrix(ModelBuilder b, Random r, String name, int rows, int cols) {
    return b.constant(name, random(r, rows * cols, 0f, 0.6f), rows, cols);
  }

  private static Tensor vector(ModelBuilder b, Random r, String name, int n, float center) {
    return b.constant(name, random(r, n, center, 0.5f), n);
  }

  private static float[] random(Random r, int n, float center, float halfWidth) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = center + (r.nextFloat() * 2 - 1) * halfWidth;
    }
    return v;
  }

  @Override
  public String toString() {
    return "LSTM " + Arrays.toString(inputShape()) + " cells " + cells + " outputs " + outputs
        + (timeMajor ? " time-major" : " batch-major") + (cifg ? " cifg" : "") + (peephole ? " peephole" : "")
        + (projection ? " projection" + (projectionBias ? "+bias" : "") : "") + (layerNorm ? " layer-norm" : "")
        + (cellClip > 0 ? " cell_clip " + cellClip : "") + (projClip > 0 ? " proj_clip " + projClip : "")
        + " " + activation + (inputCount != 24 ? " (" + inputCount + " inputs)" : "");
  }
}
