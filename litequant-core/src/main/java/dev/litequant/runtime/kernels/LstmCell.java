package dev.litequant.runtime.kernels;

import dev.litequant.runtime.RuntimeTensor;

/**
 * The float LSTM step of TensorFlow Lite's {@code lstm_eval.cc}, with its operation order kept so
 * that rounding matches: each gate starts from its bias (or zero with layer norm), adds the
 * input and recurrent matrix products (each summed on its own, then added), the peephole term,
 * then layer norm, coefficients and bias, then its activation. The forget and input gates see the
 * old cell state, the output gate the new one.
 *
 * <p>Holds scratch rows for the gates; not thread-safe, like the interpreter that owns it.
 */
final class LstmCell {
  private static final float LAYER_NORM_EPSILON = 1e-8f;

  private final LstmInputs in;
  private final LstmActivation activation;
  private final float cellClip;
  private final float projClip;
  private final float[] inputGate;
  private final float[] forgetGate;
  private final float[] cellGate;
  private final float[] outputGate;

  // The weights' arrays, fetched at the start of every run (the interpreter owns them).
  private float[] i2i;
  private float[] i2f;
  private float[] i2c;
  private float[] i2o;
  private float[] r2i;
  private float[] r2f;
  private float[] r2c;
  private float[] r2o;
  private float[] c2i;
  private float[] c2f;
  private float[] c2o;
  private float[] bi;
  private float[] bf;
  private float[] bc;
  private float[] bo;
  private float[] proj;
  private float[] projBias;
  private float[] lni;
  private float[] lnf;
  private float[] lnc;
  private float[] lno;

  /** {@code stepBatches}: how many sequences one step processes together (batch for time-major input). */
  LstmCell(LstmInputs in, LstmActivation activation, float cellClip, float projClip, int stepBatches) {
    this.in = in;
    this.activation = activation;
    this.cellClip = cellClip;
    this.projClip = projClip;
    int n = Math.max(1, stepBatches * in.cells());
    this.inputGate = new float[n];
    this.forgetGate = new float[n];
    this.cellGate = new float[n];
    this.outputGate = new float[n];
  }

  /**
   * Runs the whole sequence: {@code x} is [time, batch, input] when {@code timeMajor}, else [batch,
   * time, input]; {@code y} has the same layout with the output size. The states {@code h} [batch,
   * outputs] and {@code c} [batch, cells] are read and updated in place.
   */
  void runSequence(float[] x, float[] y, float[] h, float[] c, int maxTime, int batches, boolean timeMajor) {
    load();
    int ni = in.inputSize();
    int no = in.outputs();
    int nc = in.cells();
    if (timeMajor) {
      for (int t = 0; t < maxTime; t++) {
        step(x, t * batches * ni, batches, h, 0, c, 0, y, t * batches * no);
      }
    } else {
      // TensorFlow Lite runs batch-major sequences one batch entry at a time.
      for (int b = 0; b < batches; b++) {
        for (int t = 0; t < maxTime; t++) {
          int row = b * maxTime + t;
          step(x, row * ni, 1, h, b * no, c, b * nc, y, row * no);
        }
      }
    }
  }

  private void load() {
    i2i = floats(in.inputToInput());
    i2f = floats(in.inputToForget());
    i2c = floats(in.inputToCell());
    i2o = floats(in.inputToOutput());
    r2i = floats(in.recurrentToInput());
    r2f = floats(in.recurrentToForget());
    r2c = floats(in.recurrentToCell());
    r2o = floats(in.recurrentToOutput());
    c2i = floats(in.cellToInput());
    c2f = floats(in.cellToForget());
    c2o = floats(in.cellToOutput());
    bi = floats(in.inputGateBias());
    bf = floats(in.forgetGateBias());
    bc = floats(in.cellGateBias());
    bo = floats(in.outputGateBias());
    proj = floats(in.projectionWeights());
    projBias = floats(in.projectionBias());
    lni = floats(in.inputLayerNorm());
    lnf = floats(in.forgetLayerNorm());
    lnc = floats(in.cellLayerNorm());
    lno = floats(in.outputLayerNorm());
  }

  private static float[] floats(RuntimeTensor t) {
    return t == null ? null : t.floats();
  }

  /** One time step for {@code n} batch rows starting at the given offsets. */
  private void step(float[] x, int xo, int n, float[] h, int ho, float[] c, int co, float[] y, int yo) {
    int nc = in.cells();
    // Like TensorFlow Lite, skip the input products when the input rows are all zero.
    boolean zeroInput = isZero(x, xo, n * in.inputSize());
    boolean cifg = in.cifg();
    if (!cifg) {
      gate(inputGate, i2i, r2i, c2i, lni, bi, x, xo, zeroInput, h, ho, c, co, n);
      sigmoid(inputGate, n * nc);
    }
    gate(forgetGate, i2f, r2f, c2f, lnf, bf, x, xo, zeroInput, h, ho, c, co, n);
    sigmoid(forgetGate, n * nc);
    gate(cellGate, i2c, r2c, null, lnc, bc, x, xo, zeroInput, h, ho, c, co, n);
    for (int k = 0; k < n * nc; k++) {
      cellGate[k] = activation.apply(cellGate[k]);
    }
    for (int k = 0; k < n * nc; k++) {
      float f = forgetGate[k];
      float i = cifg ? 1f - f : inputGate[k];
      float cell = f * c[co + k];
      cell += cellGate[k] * i;
      if (cellClip > 0f) {
        cell = Math.max(-cellClip, Math.min(cellClip, cell));
      }
      c[co + k] = cell;
    }
    gate(outputGate, i2o, r2o, c2o, lno, bo, x, xo, zeroInput, h, ho, c, co, n);
    sigmoid(outputGate, n * nc);
    // TensorFlow Lite writes act(new cell state) into the cell gate's scratch row, but its vector
    // activation NONE writes nothing, so with NONE the output gate multiplies the cell gate, not the
    // cell state. Reproduced on purpose (and checked against 2.6.2): LiteQuant must compute what
    // the runtime that will run the model computes.
    float[] m = cellGate;
    if (activation != LstmActivation.NONE) {
      for (int k = 0; k < n * nc; k++) {
        m[k] = activation.apply(c[co + k]);
      }
    }
    for (int k = 0; k < n * nc; k++) {
      m[k] = outputGate[k] * m[k];
    }
    writeOutput(m, n, h, ho, y, yo);
  }

  /**
   * One gate's pre-activation for {@code n} rows: bias (or zero before layer norm) + W x + R h (+
   * P .* c), then layer norm.
   */
  private void gate(float[] g, float[] w, float[] r, float[] peephole, float[] layerNorm, float[] bias,
      float[] x, int xo, boolean zeroInput, float[] h, int ho, float[] c, int co, int n) {
    int nc = in.cells();
    int ni = in.inputSize();
    int no = in.outputs();
    for (int b = 0; b < n; b++) {
      int go = b * nc;
      for (int row = 0; row < nc; row++) {
        float acc = layerNorm != null ? 0f : bias[row];
        if (!zeroInput) {
          acc += dot(w, row * ni, x, xo + b * ni, ni);
        }
        acc += dot(r, row * no, h, ho + b * no, no);
        if (peephole != null) {
          acc += peephole[row] * c[co + go + row];
        }
        g[go + row] = acc;
      }
      if (layerNorm != null) {
        normalize(g, go, nc);
        for (int row = 0; row < nc; row++) {
          g[go + row] = layerNorm[row] * g[go + row] + bias[row];
        }
      }
    }
  }

  /** Projection (with bias and clipping) or a copy; the result is both the output row and the new state. */
  private void writeOutput(float[] m, int n, float[] h, int ho, float[] y, int yo) {
    int nc = in.cells();
    int no = in.outputs();
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < no; j++) {
        float v;
        if (proj != null) {
          v = projBias != null ? projBias[j] : 0f;
          v += dot(proj, j * nc, m, b * nc, nc);
          if (projClip > 0f) {
            v = Math.max(-projClip, Math.min(projClip, v));
          }
        } else {
          v = m[b * nc + j];
        }
        y[yo + b * no + j] = v;
        h[ho + b * no + j] = v;
      }
    }
  }

  /** TensorFlow Lite's MeanStddevNormalization of one row, in float. */
  private static void normalize(float[] v, int off, int size) {
    float sum = 0f;
    for (int i = 0; i < size; i++) {
      sum += v[off + i];
    }
    float mean = sum / size;
    float sumDiffSq = 0f;
    for (int i = 0; i < size; i++) {
      float d = v[off + i] - mean;
      sumDiffSq += d * d;
    }
    float variance = sumDiffSq / size;
    float inv = 1f / (float) Math.sqrt(variance + LAYER_NORM_EPSILON);
    for (int i = 0; i < size; i++) {
      v[off + i] = (v[off + i] - mean) * inv;
    }
  }

  private static void sigmoid(float[] v, int n) {
    for (int k = 0; k < n; k++) {
      v[k] = LstmActivation.sigmoid(v[k]);
    }
  }

  private static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float acc = 0f;
    for (int k = 0; k < n; k++) {
      acc += a[ao + k] * b[bo + k];
    }
    return acc;
  }

  private static boolean isZero(float[] v, int off, int n) {
    for (int k = 0; k < n; k++) {
      if (v[off + k] != 0f) {
        return false;
      }
    }
    return true;
  }
}
