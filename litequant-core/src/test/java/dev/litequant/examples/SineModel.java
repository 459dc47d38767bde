package dev.litequant.examples;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import java.util.Random;

/**
 * The project's own example model ({@code examples/sine_float.tflite}): a 1-16-16-1 ReLU network
 * fitted to sin(x) on [0, 2π] by full-batch Adam, in plain Java and deterministically, so the file
 * can be rebuilt bit for bit.
 */
public final class SineModel {
  private static final int HIDDEN = 16;
  private static final int POINTS = 256;
  private static final int STEPS = 3000;

  private SineModel() {}

  public static Model build() {
    float[][] p = train();
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 1);
    Table relu = Table.of("FullyConnectedOptions").with("fused_activation_function", FusedActivation.RELU.code());
    Tensor h1 = b.apply(BuiltinOperator.FULLY_CONNECTED, relu, "dense_1/relu", DataType.FLOAT32, new int[] {1, HIDDEN},
        x, b.constant("dense_1/kernel", p[0], HIDDEN, 1), b.constant("dense_1/bias", p[1], HIDDEN));
    Tensor h2 = b.apply(BuiltinOperator.FULLY_CONNECTED, relu, "dense_2/relu", DataType.FLOAT32, new int[] {1, HIDDEN},
        h1, b.constant("dense_2/kernel", p[2], HIDDEN, HIDDEN), b.constant("dense_2/bias", p[3], HIDDEN));
    Tensor y = b.apply(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), "y", DataType.FLOAT32,
        new int[] {1, 1}, h2, b.constant("dense_3/kernel", p[4], 1, HIDDEN), b.constant("dense_3/bias", p[5], 1));
    Model m = b.output(y).signature("serving_default").build();
    m.setDescription("LiteQuant example: sine regression MLP (1-16-16-1, ReLU)");
    return m;
  }

  /** Weights in TFLite layout: kernels are [out, in]. */
  private static float[][] train() {
    Random r = new Random(7);
    float[][] p = {
      init(r, HIDDEN, 1), new float[HIDDEN], init(r, HIDDEN, HIDDEN), new float[HIDDEN], init(r, 1, HIDDEN), new float[1]
    };
    // Spread the first layer's kinks over the input range; with zero biases they would all sit at 0.
    for (int o = 0; o < HIDDEN; o++) {
      p[1][o] = -p[0][o] * (float) (2 * Math.PI * (o + 0.5) / HIDDEN);
    }
    float[][] m = new float[p.length][];
    float[][] v = new float[p.length][];
    for (int i = 0; i < p.length; i++) {
      m[i] = new float[p[i].length];
      v[i] = new float[p[i].length];
    }
    float lr = 0.01f;
    for (int step = 1; step <= STEPS; step++) {
      float[][] g = gradients(p);
      float c1 = (float) (1 - Math.pow(0.9, step));
      float c2 = (float) (1 - Math.pow(0.999, step));
      for (int i = 0; i < p.length; i++) {
        for (int j = 0; j < p[i].length; j++) {
          m[i][j] = 0.9f * m[i][j] + 0.1f * g[i][j];
          v[i][j] = 0.999f * v[i][j] + 0.001f * g[i][j] * g[i][j];
          p[i][j] -= lr * (m[i][j] / c1) / ((float) Math.sqrt(v[i][j] / c2) + 1e-7f);
        }
      }
    }
    return p;
  }

  private static float[] init(Random r, int out, int in) {
    float[] w = new float[out * in];
    float scale = (float) Math.sqrt(2.0 / in);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * scale;
    }
    return w;
  }

  /** Mean squared error gradients over the whole training grid. */
  private static float[][] gradients(float[][] p) {
    float[][] g = new float[p.length][];
    for (int i = 0; i < p.length; i++) {
      g[i] = new float[p[i].length];
    }
    float[] h1 = new float[HIDDEN];
    float[] h2 = new float[HIDDEN];
    float[] d2 = new float[HIDDEN];
    for (int n = 0; n < POINTS; n++) {
      float x = (float) (2 * Math.PI * n / (POINTS - 1));
      for (int o = 0; o < HIDDEN; o++) {
        h1[o] = Math.max(0f, p[0][o] * x + p[1][o]);
      }
      for (int o = 0; o < HIDDEN; o++) {
        float acc = p[3][o];
        for (int k = 0; k < HIDDEN; k++) {
          acc += p[2][o * HIDDEN + k] * h1[k];
        }
        h2[o] = Math.max(0f, acc);
      }
      float y = p[5][0];
      for (int k = 0; k < HIDDEN; k++) {
        y += p[4][k] * h2[k];
      }
      float dy = 2f * (y - (float) Math.sin(x)) / POINTS;
      g[5][0] += dy;
      for (int k = 0; k < HIDDEN; k++) {
        g[4][k] += dy * h2[k];
        d2[k] = h2[k] > 0 ? dy * p[4][k] : 0f;
        g[3][k] += d2[k];
      }
      for (int o = 0; o < HIDDEN; o++) {
        for (int k = 0; k < HIDDEN; k++) {
          g[2][o * HIDDEN + k] += d2[o] * h1[k];
        }
      }
      for (int k = 0; k < HIDDEN; k++) {
        float d1 = 0f;
        for (int o = 0; o < HIDDEN; o++) {
          d1 += d2[o] * p[2][o * HIDDEN + k];
        }
        if (h1[k] > 0) {
          g[0][k] += d1 * x;
          g[1][k] += d1;
        }
      }
    }
    return g;
  }
}
