package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.HybridInputs.RowParams;
import dev.litequant.runtime.kernels.MatMulKernels.BmmParams;
import dev.litequant.runtime.kernels.MatMulKernels.FcParams;

/**
 * Hybrid (dynamic-range) FULLY_CONNECTED and BATCH_MATMUL: float input and output, int8 weights.
 * Each input row is quantized on the fly ({@link HybridInputs}), multiplied in int32 and scaled
 * back to float with the operation order of TensorFlow Lite 2.6.2's kernels ({@code
 * fully_connected.cc} and {@code batch_matmul.cc} EvalHybrid with the portable {@code
 * tensor_utils}), so that every float output has the same bits.
 *
 * <p>Per-channel FULLY_CONNECTED weights are computed with one scale per unit, as later TensorFlow
 * Lite versions do; 2.6.2 reads the per-tensor scale slot, which is 0 for per-axis tensors, and
 * returns only the bias.
 */
final class HybridMatMulKernels {
  private HybridMatMulKernels() {}

  /** Whether an operator with this input and weight type is hybrid. */
  static boolean isHybrid(RuntimeTensor input, RuntimeTensor weights) {
    return input.type() == DataType.FLOAT32 && weights.type() == DataType.INT8;
  }

  /** A prepared hybrid FULLY_CONNECTED: one weight scale per unit, and the input scheme. */
  record HybridFc(FcParams geometry, float[] weightScales, boolean perChannel, boolean asymmetric, int[] rowSums) {}

  static Kernel fullyConnected(OpContext ctx) {
    FcParams p = MatMulKernels.fullyConnectedGeometry(ctx);
    if (p.output().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.output().type().displayName() + " output with a float32 input and int8 weights");
    }
    if (p.bias() != null && p.bias().type() != DataType.FLOAT32) {
      throw ctx.invalid("has hybrid (int8) weights with a " + p.bias().type().displayName()
          + " bias; a hybrid FULLY_CONNECTED takes a float32 bias");
    }
    int act = ctx.options("FullyConnectedOptions").getInt("fused_activation_function");
    requireClippingActivation(ctx, act);
    RuntimeTensor w = p.weights();
    boolean perChannel = w.quantization() != null && w.quantization().isPerAxis();
    float[] scales = perChannel ? QuantizedOutput.channelScales(ctx, w, 0, p.units())
        : filled(p.units(), weightScale(ctx, w));
    boolean asymmetric = ctx.options("FullyConnectedOptions").getBool("asymmetric_quantize_inputs");
    int[] rowSums = rowSums(w, p.units(), p.depth());
    HybridFc h = new HybridFc(p, scales, perChannel, asymmetric, rowSums);
    return () -> runFullyConnected(h);
  }

  /** The float fused activations 2.6.2's hybrid kernels apply (TANH and SIGN_BIT are not supported here). */
  static void requireClippingActivation(OpContext ctx, int act) {
    if (act != FusedActivation.NONE.code() && act != FusedActivation.RELU.code()
        && act != FusedActivation.RELU6.code() && act != FusedActivation.RELU_N1_TO_1.code()) {
      throw ctx.unsupported("hybrid kernel with fused activation code " + act
          + " (only NONE, RELU, RELU6 and RELU_N1_TO_1)");
    }
  }

  /** The single scale of per-tensor int8 weights; 2.6.2 takes the zero point to be 0. */
  static float weightScale(OpContext ctx, RuntimeTensor w) {
    Quantization q = w.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has int8 weights " + w + " without a scale");
    }
    float s = q.scale(0);
    if (!(s >= 0) || Float.isInfinite(s)) {
      throw ctx.invalid("has int8 weights " + w + " with scale " + s + "; it must be finite and not negative");
    }
    if (q.zeroPoint(0) != 0) {
      throw ctx.unsupported("hybrid int8 weights " + w + " with zero point " + q.zeroPoint(0) + " (only 0)");
    }
    return s;
  }

  static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** The sum of each weight row, which the asymmetric scheme subtracts times the input zero point. */
  static int[] rowSums(RuntimeTensor w, int rows, int cols) {
    byte[] data = w.bytes();
    int[] sums = new int[rows];
    for (int r = 0; r < rows; r++) {
      int s = 0;
      for (int c = 0; c < cols; c++) {
        s += data[r * cols + c];
      }
      sums[r] = s;
    }
    return sums;
  }

  /**
   * Output starts as the bias; an input of zeros (either sign) skips the product. Otherwise each
   * row's factor is {@code sf_b * s_w} in float (per channel: {@code sf_b * s_w[u]}), and
   * {@code out += (float) (dot - rowSum * zp_b) * factor}.
   */
  static void runFullyConnected(HybridFc h) {
    FcParams p = h.geometry();
    float[] x = p.input().floats();
    byte[] w = p.weights().bytes();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int rows = p.rows();
    int units = p.units();
    int depth = p.depth();
    for (int r = 0; r < rows; r++) {
      for (int u = 0; u < units; u++) {
        y[r * units + u] = bias == null ? 0f : bias[u];
      }
    }
    if (!HybridInputs.allZero(x, rows * depth)) {
      byte[] q = new byte[rows * depth];
      for (int r = 0; r < rows; r++) {
        RowParams rp = HybridInputs.quantize(h.asymmetric(), x, r * depth, depth, q, r * depth);
        float rowFactor = h.perChannel() ? rp.scalingFactor() : rp.scalingFactor() * h.weightScales()[0];
        for (int u = 0; u < units; u++) {
          int dot = 0;
          int wo = u * depth;
          int xo = r * depth;
          for (int k = 0; k < depth; k++) {
            dot += w[wo + k] * q[xo + k];
          }
          dot -= h.rowSums()[u] * rp.zeroPoint();
          float scale = h.perChannel() ? rowFactor * h.weightScales()[u] : rowFactor;
          y[r * units + u] += dot * scale;
        }
      }
    }
    for (int i = 0; i < rows * units; i++) {
      y[i] = p.act().apply(y[i]);
    }
  }

  /** A prepared hybrid BATCH_MATMUL: the right-hand side holds the int8 weights. */
  record HybridBmm(BmmParams geometry, float weightScale, boolean asymmetric) {}

  static Kernel batchMatMul(OpContext ctx) {
    BmmParams p = MatMulKernels.batchMatMulGeometry(ctx);
    if (p.output().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.output().type().displayName() + " output with a float32 input and int8 weights");
    }
    if (p.rhs().quantization() != null && p.rhs().quantization().isPerAxis()) {
      throw ctx.unsupported("per-axis int8 right-hand side " + p.rhs() + " of a hybrid BATCH_MATMUL (only one scale)");
    }
    float s = weightScale(ctx, p.rhs());
    boolean asymmetric = ctx.options("BatchMatMulOptions").getBool("asymmetric_quantize_inputs");
    HybridBmm h = new HybridBmm(p, s, asymmetric);
    return () -> runBatchMatMul(h);
  }

  /**
   * Each left-hand row of {@code k} values is quantized separately (after the transposition that
   * adj_x asks for). 2.6.2 corrects the integer product for the zero point in float and truncates
   * back to int32: {@code c = (int) ((float) raw - (float) colSum * (float) zp)}, then
   * {@code out = 0 + factor * (float) c}.
   */
  static void runBatchMatMul(HybridBmm h) {
    BmmParams p = h.geometry();
    float[] a = p.lhs().floats();
    byte[] b = p.rhs().bytes();
    float[] y = p.output().floats();
    int m = p.m();
    int k = p.k();
    int n = p.n();
    int lhsBatches = p.lhs().size() / (m * k);
    int rhsBatches = p.rhs().size() / (k * n);
    float[] rows = new float[lhsBatches * m * k];
    for (int lb = 0; lb < lhsBatches; lb++) {
      for (int i = 0; i < m; i++) {
        for (int t = 0; t < k; t++) {
          rows[(lb * m + i) * k + t] = p.adjX() ? a[lb * m * k + t * m + i] : a[lb * m * k + i * k + t];
        }
      }
    }
    byte[] q = new byte[rows.length];
    float[] factors = new float[lhsBatches * m];
    int[] zeros = new int[lhsBatches * m];
    for (int r = 0; r < lhsBatches * m; r++) {
      RowParams rp = HybridInputs.quantize(h.asymmetric(), rows, r * k, k, q, r * k);
      factors[r] = rp.scalingFactor() * h.weightScale();
      zeros[r] = rp.zeroPoint();
    }
    int[] colSums = new int[rhsBatches * n];
    for (int rb = 0; rb < rhsBatches; rb++) {
      for (int j = 0; j < n; j++) {
        int s = 0;
        for (int t = 0; t < k; t++) {
          s += p.adjY() ? b[rb * k * n + j * k + t] : b[rb * k * n + t * n + j];
        }
        colSums[rb * n + j] = s;
      }
    }
    for (int batch = 0; batch < p.batches(); batch++) {
      int lb = p.lhsBatch()[batch];
      int rb = p.rhsBatch()[batch];
      int bo = rb * k * n;
      int yo = batch * m * n;
      for (int i = 0; i < m; i++) {
        int row = lb * m + i;
        int qo = row * k;
        for (int j = 0; j < n; j++) {
          int raw = 0;
          for (int t = 0; t < k; t++) {
            int bv = p.adjY() ? b[bo + j * k + t] : b[bo + t * n + j];
            raw += q[qo + t] * bv;
          }
          int corrected = (int) ((float) raw - (float) colSums[rb * n + j] * (float) zeros[row]);
          y[yo + i * n + j] = 0f + factors[row] * (float) corrected;
        }
      }
    }
  }
}
