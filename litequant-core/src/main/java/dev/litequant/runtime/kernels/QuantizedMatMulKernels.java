package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.MatMulKernels.BmmParams;
import dev.litequant.runtime.kernels.MatMulKernels.FcParams;
import dev.litequant.runtime.kernels.QuantizedOutput.Arithmetic;
import dev.litequant.runtime.kernels.QuantizedOutput.Stage;

/**
 * Reference integer kernels of FULLY_CONNECTED (int8 and uint8) and BATCH_MATMUL (int8),
 * bit-exact with TensorFlow Lite 2.6.2 on x86-64 ({@code int8-arithmetic.md}, sections 3.3 and
 * 3.4). 2.6.2 runs int8 products through ruy (one rounding) and uint8 products through gemmlowp
 * (two roundings), with the multiplier formed from the float product of the scales.
 *
 * <p>Per-channel int8 FULLY_CONNECTED weights are computed correctly here, with one multiplier per
 * unit formed as the convolutions form theirs (as TensorFlow Lite does since it supports them);
 * 2.6.2 reads the per-tensor scale slot, which is 0 for per-axis tensors, and so returns the
 * output zero point everywhere.
 */
final class QuantizedMatMulKernels {
  private QuantizedMatMulKernels() {}

  /** A prepared integer FULLY_CONNECTED. */
  record QuantizedFc(FcParams geometry, int inputZeroPoint, int weightZeroPoint, Stage out) {}

  /** A prepared int8 BATCH_MATMUL. */
  record QuantizedBmm(BmmParams geometry, int lhsZeroPoint, int rhsZeroPoint, Stage out) {}

  /** FULLY_CONNECTED with 2.6.2's arithmetic for the weights' type and quantization. */
  static Kernel fullyConnected(OpContext ctx) {
    if (ctx.requireInput(0).type() == DataType.UINT8) {
      return fullyConnected(ctx, Arithmetic.MBQM_FLOAT);
    }
    Quantization wq = ctx.requireInput(1).quantization();
    boolean perChannel = wq != null && wq.isPerAxis();
    return fullyConnected(ctx, perChannel ? Arithmetic.RUY_DOUBLE : Arithmetic.RUY_FLOAT);
  }

  /** FULLY_CONNECTED with the given arithmetic (tests use the alternatives). */
  static Kernel fullyConnected(OpContext ctx, Arithmetic arithmetic) {
    FcParams p = MatMulKernels.fullyConnectedGeometry(ctx);
    RuntimeTensor in = p.input();
    RuntimeTensor w = p.weights();
    RuntimeTensor out = p.output();
    DataType type = in.type();
    if (w.type() != type) {
      throw ctx.unsupported(w.type().displayName() + " weights with " + type.displayName() + " input " + in);
    }
    if (out.type() != type) {
      throw ctx.unsupported(out.type().displayName() + " output with " + type.displayName() + " input " + in);
    }
    int act = ctx.options("FullyConnectedOptions").getInt("fused_activation_function");
    if (act != FusedActivation.NONE.code() && act != FusedActivation.RELU.code()
        && act != FusedActivation.RELU6.code() && act != FusedActivation.RELU_N1_TO_1.code()) {
      // TensorFlow Lite's FULLY_CONNECTED accepts only the clipping activations.
      throw ctx.invalid("has fused activation code " + act
          + "; FULLY_CONNECTED takes NONE, RELU, RELU6 or RELU_N1_TO_1");
    }
    QuantizedOutput.checkInt32Bias(ctx, p.bias(), p.units(), in);
    float inScale = QuantizedOutput.scale(ctx, in, "input");
    float outScale = QuantizedOutput.scale(ctx, out, "output");
    Quantization wq = w.quantization();
    float[] wScales;
    int wZero = 0;
    if (wq != null && wq.isPerAxis()) {
      if (type != DataType.INT8) {
        throw ctx.unsupported("per-channel " + type.displayName() + " weights " + w
            + " (only int8 weights per channel)");
      }
      wScales = QuantizedOutput.channelScales(ctx, w, 0, p.units());
    } else {
      if (wq == null || !wq.hasScale()) {
        throw ctx.invalid("has " + type.displayName() + " weights " + w + " without quantization parameters");
      }
      float s = wq.scale();
      if (!(s >= 0) || Float.isInfinite(s)) {
        throw ctx.invalid("has weights " + w + " with scale " + s + "; it must be finite and not negative");
      }
      wScales = new float[p.units()];
      java.util.Arrays.fill(wScales, s);
      wZero = (int) wq.zeroPoint();
    }
    checkBiasScale(ctx, p.bias(), inScale, wScales, outScale);
    int[] range = QuantizedOutput.activationRange(ctx, act, out);
    Stage stage = QuantizedOutput.stage(ctx, inScale, wScales, outScale, QuantizedOutput.zeroPoint(out), range,
        arithmetic);
    QuantizedFc q = new QuantizedFc(p, QuantizedOutput.zeroPoint(in), wZero, stage);
    return type == DataType.UINT8 ? () -> runUint8(q) : () -> runInt8(q);
  }

  /**
   * TensorFlow Lite's consistency check between the bias scale and the product of the input and
   * weight scales: the difference may be at most 2% of the output scale. Unlike the multiplier,
   * the check multiplies the scales in double. A bias without a scale counts as scale 0, as in
   * TensorFlow Lite.
   */
  static void checkBiasScale(OpContext ctx, RuntimeTensor bias, float inScale, float[] wScales,
      float outScale) {
    if (bias == null) {
      return;
    }
    Quantization bq = bias.quantization();
    int count = bq == null ? 0 : bq.scaleCount();
    if (count > 1 && count != wScales.length) {
      throw ctx.invalid("has bias " + bias + " with " + count + " scales for " + wScales.length + " units");
    }
    for (int c = 0; c < wScales.length; c++) {
      double biasScale = count == 0 ? 0 : bq.scale(count == 1 ? 0 : c);
      double product = (double) inScale * (double) wScales[c];
      double diff = Math.abs(product - biasScale) / (double) outScale;
      if (!(diff <= 0.02)) {
        throw ctx.invalid("has bias scale " + biasScale + " for unit " + c + " where input scale " + inScale
            + " times weight scale " + wScales[c] + " is " + product + ": they differ by " + diff
            + " output scales (" + outScale + "), more than 0.02");
      }
    }
  }

  /** {@code acc = bias[u] + sum_k (w - zp_w) * (x - zp_in)}, int32 wrapping as in C. */
  static void runInt8(QuantizedFc q) {
    FcParams p = q.geometry();
    byte[] x = p.input().bytes();
    byte[] w = p.weights().bytes();
    int[] bias = p.bias() == null ? null : p.bias().ints();
    byte[] y = p.output().bytes();
    int zpIn = q.inputZeroPoint();
    int zpW = q.weightZeroPoint();
    for (int r = 0; r < p.rows(); r++) {
      for (int u = 0; u < p.units(); u++) {
        int acc = bias == null ? 0 : bias[u];
        int xo = r * p.depth();
        int wo = u * p.depth();
        for (int k = 0; k < p.depth(); k++) {
          acc += (w[wo + k] - zpW) * (x[xo + k] - zpIn);
        }
        y[r * p.units() + u] = (byte) q.out().apply(acc, u);
      }
    }
  }

  /** The uint8 kernel: codes are read unsigned. */
  static void runUint8(QuantizedFc q) {
    FcParams p = q.geometry();
    byte[] x = p.input().bytes();
    byte[] w = p.weights().bytes();
    int[] bias = p.bias() == null ? null : p.bias().ints();
    byte[] y = p.output().bytes();
    int zpIn = q.inputZeroPoint();
    int zpW = q.weightZeroPoint();
    for (int r = 0; r < p.rows(); r++) {
      for (int u = 0; u < p.units(); u++) {
        int acc = bias == null ? 0 : bias[u];
        int xo = r * p.depth();
        int wo = u * p.depth();
        for (int k = 0; k < p.depth(); k++) {
          acc += ((w[wo + k] & 0xFF) - zpW) * ((x[xo + k] & 0xFF) - zpIn);
        }
        y[r * p.units() + u] = (byte) q.out().apply(acc, u);
      }
    }
  }

  /** BATCH_MATMUL as 2.6.2 runs it: a ruy GEMM, so one rounding; no fused activation. */
  static Kernel batchMatMul(OpContext ctx) {
    return batchMatMul(ctx, Arithmetic.RUY_FLOAT);
  }

  static Kernel batchMatMul(OpContext ctx, Arithmetic arithmetic) {
    BmmParams p = MatMulKernels.batchMatMulGeometry(ctx);
    RuntimeTensor out = p.output();
    if (p.rhs().type() != DataType.INT8) {
      throw ctx.unsupported(p.rhs().type().displayName() + " right-hand side " + p.rhs()
          + " with an int8 left-hand side");
    }
    if (out.type() != DataType.INT8) {
      throw ctx.unsupported(out.type().displayName() + " output with int8 operands");
    }
    float lhsScale = QuantizedOutput.scale(ctx, p.lhs(), "left-hand side");
    float rhsScale = QuantizedOutput.scale(ctx, p.rhs(), "right-hand side");
    float outScale = QuantizedOutput.scale(ctx, out, "output");
    Stage stage = QuantizedOutput.stage(ctx, lhsScale, new float[] {rhsScale}, outScale,
        QuantizedOutput.zeroPoint(out), new int[] {-128, 127}, arithmetic);
    QuantizedBmm q = new QuantizedBmm(p, QuantizedOutput.zeroPoint(p.lhs()), QuantizedOutput.zeroPoint(p.rhs()), stage);
    return () -> runBatchMatMul(q);
  }

  /** {@code acc = sum_t (a - zp_lhs) * (b - zp_rhs)} for each output element; no bias. */
  static void runBatchMatMul(QuantizedBmm q) {
    BmmParams p = q.geometry();
    byte[] a = p.lhs().bytes();
    byte[] b = p.rhs().bytes();
    byte[] y = p.output().bytes();
    int zpA = q.lhsZeroPoint();
    int zpB = q.rhsZeroPoint();
    int m = p.m();
    int k = p.k();
    int n = p.n();
    for (int batch = 0; batch < p.batches(); batch++) {
      int ao = p.lhsBatch()[batch] * m * k;
      int bo = p.rhsBatch()[batch] * k * n;
      int yo = batch * m * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int acc = 0;
          for (int t = 0; t < k; t++) {
            int av = p.adjX() ? a[ao + t * m + i] : a[ao + i * k + t];
            int bv = p.adjY() ? b[bo + j * k + t] : b[bo + t * n + j];
            acc += (av - zpA) * (bv - zpB);
          }
          y[yo + i * n + j] = (byte) q.out().apply(acc, 0);
        }
      }
    }
  }
}
