package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.L2_NORMALIZATION;
import static dev.litequant.graph.BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION;
import static dev.litequant.graph.BuiltinOperator.LOG_SOFTMAX;
import static dev.litequant.graph.BuiltinOperator.SOFTMAX;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Normalisations along the last axis: SOFTMAX (with beta), LOG_SOFTMAX, L2_NORMALIZATION (the norm
 * clamped below at 1e-6, as TensorFlow Lite does, so a zero row stays zero) and
 * LOCAL_RESPONSE_NORMALIZATION (window of {@code radius} channels on each side). Any rank >= 1 is
 * accepted: TensorFlow Lite 2.6.2 refuses L2_NORMALIZATION above rank 4 and LOCAL_RESPONSE_NORMALIZATION
 * other than rank 4, but the last-axis rule means the same at every rank.
 * Float32 only so far; {@link #prepareRows} is type-neutral for the integer kernels to come.
 */
public final class SoftmaxKernels {
  /** TensorFlow Lite's fixed L2_NORMALIZATION epsilon (a lower bound on the norm, not its square). */
  static final float L2_EPSILON = 1e-6f;

  private SoftmaxKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(SOFTMAX, 3, SoftmaxKernels::softmax);
    b.add(LOG_SOFTMAX, 2, SoftmaxKernels::logSoftmax);
    b.add(L2_NORMALIZATION, 2, SoftmaxKernels::l2Normalization);
    b.add(LOCAL_RESPONSE_NORMALIZATION, 1, SoftmaxKernels::localResponseNormalization);
  }

  /** The input seen as {@code rows} rows of {@code depth} values (the last axis). */
  public record Rows(RuntimeTensor input, RuntimeTensor output, int rows, int depth) {}

  /**
   * Validates a last-axis operator of any element types (quantized SOFTMAX may widen int8 to
   * int16, so the output type is left to the typed kernels); the output takes the input's shape.
   */
  public static Rows prepareRows(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    if (in.rank() < 1) {
      throw ctx.invalid("needs an input of rank >= 1, got " + in);
    }
    ctx.setOutputShape(0, in.dims());
    int depth = in.dim(in.rank() - 1);
    return new Rows(in, out, depth == 0 ? 0 : in.size() / depth, depth);
  }

  private static Rows prepareFloat(OpContext ctx, String op) {
    Rows r = prepareRows(ctx);
    DataType in = r.input().type();
    DataType out = r.output().type();
    if (in != DataType.FLOAT32) {
      throw ctx.unsupported(in.displayName() + " " + op + (out == in ? "" : " to " + out.displayName())
          + " (only float32 so far)");
    }
    if (out != in) {
      throw ctx.invalid("has a float32 input but a " + out.displayName() + " output");
    }
    return r;
  }

  static Kernel softmax(OpContext ctx) {
    float beta = ctx.options("SoftmaxOptions").getFloat("beta");
    Rows r = prepareFloat(ctx, "SOFTMAX");
    return () -> runSoftmax(r, beta);
  }

  static Kernel logSoftmax(OpContext ctx) {
    Rows r = prepareFloat(ctx, "LOG_SOFTMAX");
    return () -> runLogSoftmax(r);
  }

  static Kernel l2Normalization(OpContext ctx) {
    int act = ctx.options("L2NormOptions").getInt("fused_activation_function");
    if (act != FusedActivation.NONE.code()) {
      // TensorFlow Lite refuses the operator rather than applying the activation.
      throw ctx.unsupported("L2_NORMALIZATION with fused activation code " + act
          + " (TensorFlow Lite accepts only NONE)");
    }
    Rows r = prepareFloat(ctx, "L2_NORMALIZATION");
    return () -> runL2Normalization(r);
  }

  static Kernel localResponseNormalization(OpContext ctx) {
    Table o = ctx.options("LocalResponseNormalizationOptions");
    int radius = o.getInt("radius");
    if (radius < 0) {
      throw ctx.invalid("has radius " + radius + "; it must be >= 0");
    }
    float bias = o.getFloat("bias");
    float alpha = o.getFloat("alpha");
    float beta = o.getFloat("beta");
    Rows r = prepareFloat(ctx, "LOCAL_RESPONSE_NORMALIZATION");
    return () -> runLocalResponseNormalization(r, radius, bias, alpha, beta);
  }

  /** exp(beta * (x - max)) / sum: subtracting the row maximum keeps exp from overflowing. */
  public static void runSoftmax(Rows r, float beta) {
    float[] x = r.input().floats();
    float[] y = r.output().floats();
    int depth = r.depth();
    for (int row = 0; row < r.rows(); row++) {
      int base = row * depth;
      float max = rowMax(x, base, depth);
      float sum = 0f;
      for (int c = 0; c < depth; c++) {
        float e = (float) Math.exp((x[base + c] - max) * beta);
        y[base + c] = e;
        sum += e;
      }
      for (int c = 0; c < depth; c++) {
        y[base + c] /= sum;
      }
    }
  }

  /** (x - max) - log(sum exp(x - max)). */
  public static void runLogSoftmax(Rows r) {
    float[] x = r.input().floats();
    float[] y = r.output().floats();
    int depth = r.depth();
    for (int row = 0; row < r.rows(); row++) {
      int base = row * depth;
      float max = rowMax(x, base, depth);
      float sum = 0f;
      for (int c = 0; c < depth; c++) {
        sum += (float) Math.exp(x[base + c] - max);
      }
      float logSum = (float) Math.log(sum);
      for (int c = 0; c < depth; c++) {
        y[base + c] = x[base + c] - max - logSum;
      }
    }
  }

  private static float rowMax(float[] x, int base, int depth) {
    float max = -Float.MAX_VALUE;
    for (int c = 0; c < depth; c++) {
      max = x[base + c] > max ? x[base + c] : max;
    }
    return max;
  }

  public static void runL2Normalization(Rows r) {
    float[] x = r.input().floats();
    float[] y = r.output().floats();
    int depth = r.depth();
    for (int row = 0; row < r.rows(); row++) {
      int base = row * depth;
      float squares = 0f;
      for (int c = 0; c < depth; c++) {
        squares += x[base + c] * x[base + c];
      }
      float norm = Math.max((float) Math.sqrt(squares), L2_EPSILON);
      for (int c = 0; c < depth; c++) {
        y[base + c] = x[base + c] / norm;
      }
    }
  }

  /** x / (bias + alpha * sum of squares over channels [c - radius, c + radius]) ^ beta. */
  public static void runLocalResponseNormalization(Rows r, int radius, float bias, float alpha, float beta) {
    float[] x = r.input().floats();
    float[] y = r.output().floats();
    int depth = r.depth();
    for (int row = 0; row < r.rows(); row++) {
      int base = row * depth;
      for (int c = 0; c < depth; c++) {
        int from = Math.max(0, c - radius);
        int to = (int) Math.min(depth - 1L, (long) c + radius);
        float squares = 0f;
        for (int k = from; k <= to; k++) {
          squares += x[base + k] * x[base + k];
        }
        float multiplier = (float) Math.pow(bias + alpha * squares, -beta);
        y[base + c] = x[base + c] * multiplier;
      }
    }
  }
}
