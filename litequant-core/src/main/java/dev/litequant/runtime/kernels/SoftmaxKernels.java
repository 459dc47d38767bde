package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.L2_NORMALIZATION;
import static dev.litequant.graph.BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION;
import static dev.litequant.graph.BuiltinOperator.LOG_SOFTMAX;
import static dev.litequant.graph.BuiltinOperator.SOFTMAX;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.quant.QuantMath;
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
 * SOFTMAX and L2_NORMALIZATION also take int8 and uint8 codes ({@link #quantizedSoftmax}, {@link
 * #quantizedL2Normalization}), SOFTMAX int16 ({@link Int16Softmax}), LOG_SOFTMAX int8 ({@link
 * QuantizedLogSoftmax}); the others are float32 only.
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
    DataType in = ctx.requireInput(0).type();
    if (in == DataType.INT8 || in == DataType.UINT8) {
      return quantizedSoftmax(ctx, prepareRows(ctx), beta);
    }
    if (in == DataType.INT16) {
      return Int16Softmax.create(ctx, prepareRows(ctx), beta);
    }
    Rows r = prepareFloat(ctx, "SOFTMAX");
    return () -> runSoftmax(r, beta);
  }

  /**
   * SOFTMAX of int8 or uint8 codes to int8, uint8 or int16 ({@code int8-arithmetic.md} 3.13): the
   * float table {@code T[255 - v] = exp(-s_in * beta * v)} built when preparing, a sequential float
   * sum of {@code T[255 - (max - q)]} over the row, and each probability scaled by
   * {@code 1 / (sum * s_out)}. int8 and int16 outputs round half away from zero and add the zero
   * point; uint8 outputs truncate {@code p + 0.5} and ignore the zero point (2.6.2 on x86).
   */
  static Kernel quantizedSoftmax(OpContext ctx, Rows r, float beta) {
    RuntimeTensor in = r.input();
    RuntimeTensor out = r.output();
    if (out.type() != in.type() && out.type() != DataType.INT16) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName()
          + " output (int16 or the input's type)");
    }
    float inputScale = Quantized.params(ctx, in, "input").scale();
    Quantized.Params po = Quantized.params(ctx, out, "output");
    if (in.type() == DataType.INT8 && out.type() == DataType.INT8
        && (po.zeroPoint() != -128 || Math.abs(po.scale() - 1.f / 256) > 0.001f * 1.f / 256)) {
      // 2.6.2 checks this pair only (T: uint8 and int16 outputs take any parameters).
      throw ctx.invalid("has int8 output scale " + po.scale() + " and zero point " + po.zeroPoint()
          + "; TensorFlow Lite requires 1/256 (within 0.1%) and -128");
    }
    float[] table = new float[256];
    float sc = -inputScale * beta;
    for (int v = 0; v <= 255; v++) {
      table[255 - v] = (float) Math.exp(sc * (float) v);
    }
    float outScale = po.scale();
    int zo = po.zeroPoint();
    boolean uint8Out = out.type() == DataType.UINT8;
    int qmin = Quantized.min(out.type());
    int qmax = Quantized.max(out.type());
    int depth = r.depth();
    int lowest = Quantized.min(in.type());
    return () -> {
      Quantized.Codes x = Quantized.codes(in);
      Quantized.Codes y = Quantized.codes(out);
      for (int row = 0; row < r.rows(); row++) {
        int base = row * depth;
        int max = lowest;
        for (int c = 0; c < depth; c++) {
          max = Math.max(max, x.get(base + c));
        }
        int offset = 255 - max;
        float sum = 0f;
        for (int c = 0; c < depth; c++) {
          sum += table[offset + x.get(base + c)];
        }
        float inv = 1.0f / (sum * outScale);
        for (int c = 0; c < depth; c++) {
          float p = table[offset + x.get(base + c)] * inv;
          int q = uint8Out ? QuantMath.x86ToInt(p + 0.5f)
              : QuantMath.x86ToInt(QuantMath.roundHalfAwayFromZero(p)) + zo;
          y.set(base + c, Math.max(Math.min(qmax, q), qmin));
        }
      }
    };
  }

  static Kernel logSoftmax(OpContext ctx) {
    if (ctx.requireInput(0).type() == DataType.INT8) {
      return QuantizedLogSoftmax.create(ctx, prepareRows(ctx));
    }
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
    DataType in = ctx.requireInput(0).type();
    if (in == DataType.INT8 || in == DataType.UINT8) {
      return quantizedL2Normalization(ctx, prepareRows(ctx));
    }
    Rows r = prepareFloat(ctx, "L2_NORMALIZATION");
    return () -> runL2Normalization(r);
  }

  /**
   * L2_NORMALIZATION of int8 or uint8 codes, 2.6.2's integer kernels: the sum of squared offset
   * codes of a row gives an inverse square root as a Q31 multiplier and shift ({@link
   * #invSqrtMultiplier}); int8 then scales each offset code by it with a further left shift of 7
   * (output scale 1/128, zero point 0), uint8 scales {@code 128 * d} and adds 128.
   */
  static Kernel quantizedL2Normalization(OpContext ctx, Rows r) {
    RuntimeTensor in = r.input();
    RuntimeTensor out = r.output();
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    int zi = Quantized.params(ctx, in, "input").zeroPoint();
    Quantized.Params po = Quantized.params(ctx, out, "output");
    boolean int8 = in.type() == DataType.INT8;
    if (po.scale() != 1.0 / 128 || po.zeroPoint() != (int8 ? 0 : 128)) {
      throw ctx.invalid("has output scale " + po.scale() + " and zero point " + po.zeroPoint()
          + "; TensorFlow Lite requires 1/128 and " + (int8 ? 0 : 128));
    }
    int depth = r.depth();
    return () -> {
      Quantized.Codes x = Quantized.codes(in);
      Quantized.Codes y = Quantized.codes(out);
      for (int row = 0; row < r.rows(); row++) {
        int base = row * depth;
        int squares = 0;
        for (int c = 0; c < depth; c++) {
          int d = x.get(base + c) - zi;
          squares += d * d;
        }
        QuantMath.Multiplier m = invSqrtMultiplier(squares, -1);
        for (int c = 0; c < depth; c++) {
          int d = x.get(base + c) - zi;
          int v = int8 ? QuantMath.mbqm(d, m.multiplier(), m.shift() + 7)
              : 128 + QuantMath.mbqmSmallerThanOneExp(128 * d, m.multiplier(), m.shift());
          y.set(base + c, QuantMath.clamp(v, int8 ? -128 : 0, int8 ? 127 : 255));
        }
      }
    };
  }

  /**
   * TensorFlow Lite's {@code GetInvSqrtQuantizedMultiplierExp}: 1/sqrt(input) as a Q31 multiplier
   * and shift, by five Newton-Raphson steps in gemmlowp's Q3.28 fixed point (products are SRDHM,
   * rescales saturating shifts, subtraction wraps). Inputs 0 and 1 give (INT32_MAX, 0).
   */
  static QuantMath.Multiplier invSqrtMultiplier(int input, int reverseShift) {
    if (input <= 1) {
      return new QuantMath.Multiplier(Integer.MAX_VALUE, 0);
    }
    int shift = 11;
    while (input >= (1 << 29)) {
      input /= 4;
      shift++;
    }
    int maxLeftShiftBitPairs = (Integer.numberOfLeadingZeros(input) - 1) / 2;
    int leftShiftBitPairs = maxLeftShiftBitPairs - 1;
    shift -= leftShiftBitPairs;
    input <<= 2 * leftShiftBitPairs;
    int fixedInput = input >> 1;
    int halfInput = QuantMath.rdbpot(fixedInput, 1);
    int halfThree = (1 << 28) + (1 << 27);
    int x = 1 << 28;
    for (int i = 0; i < 5; i++) {
      int x3 = saturatingShiftLeft(QuantMath.srdhm(QuantMath.srdhm(x, x), x), 6);
      x = saturatingShiftLeft(QuantMath.srdhm(halfThree, x) - QuantMath.srdhm(halfInput, x3), 3);
    }
    int multiplier = QuantMath.srdhm(x, 1518500250);
    if (shift < 0) {
      multiplier <<= -shift;
      shift = 0;
    }
    return new QuantMath.Multiplier(multiplier, shift * reverseShift);
  }

  /** gemmlowp's {@code SaturatingRoundingMultiplyByPOT} for a positive exponent. */
  private static int saturatingShiftLeft(int x, int exponent) {
    int threshold = (1 << (31 - exponent)) - 1;
    if (x > threshold) {
      return Integer.MAX_VALUE;
    }
    if (x < -threshold) {
      return Integer.MIN_VALUE;
    }
    return x << exponent;
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
