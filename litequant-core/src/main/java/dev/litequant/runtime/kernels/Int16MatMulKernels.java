package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.Int16Output.Arithmetic;
import dev.litequant.runtime.kernels.Int16Output.Stage;
import dev.litequant.runtime.kernels.MatMulKernels.BmmParams;
import dev.litequant.runtime.kernels.MatMulKernels.FcParams;
import java.util.Arrays;

/**
 * 16x8 FULLY_CONNECTED (int16 input and output, int8 weights with one scale, optional int64 bias)
 * and int16 BATCH_MATMUL, bit-exact with TensorFlow Lite 2.6.2: its reference kernels with int64
 * accumulators, the multiplier formed from the float product of the scales, and the 16-bit
 * multiply of {@link Int16Output}.
 */
final class Int16MatMulKernels {
  private Int16MatMulKernels() {}

  /** A prepared 16x8 FULLY_CONNECTED; {@code weightZeroPoint} is subtracted from every weight. */
  record PreparedFc(FcParams geometry, int weightZeroPoint, Stage out) {}

  /** A prepared int16 BATCH_MATMUL. */
  record PreparedBmm(BmmParams geometry, Stage out) {}

  static Kernel fullyConnected(OpContext ctx) {
    return fullyConnected(ctx, Arithmetic.MATRIX_PRODUCT);
  }

  /** FULLY_CONNECTED with the given arithmetic (tests use the alternatives). */
  static Kernel fullyConnected(OpContext ctx, Arithmetic arithmetic) {
    FcParams p = MatMulKernels.fullyConnectedGeometry(ctx);
    RuntimeTensor w = p.weights();
    Int16Output.requireInt8Weights(ctx, w);
    int act = ctx.options("FullyConnectedOptions").getInt("fused_activation_function");
    if (act != FusedActivation.NONE.code() && act != FusedActivation.RELU.code()
        && act != FusedActivation.RELU6.code() && act != FusedActivation.RELU_N1_TO_1.code()) {
      throw ctx.invalid("has fused activation code " + act
          + "; FULLY_CONNECTED takes NONE, RELU, RELU6 or RELU_N1_TO_1");
    }
    if (p.bias() != null && p.bias().type() == DataType.INT32) {
      // Not refused by 2.6.2, which reads the int32 values as int64 and computes garbage.
      throw ctx.unsupported("int32 bias " + p.bias() + " with int16 activations: TensorFlow Lite 2.6.2 reads "
          + "16x8 FULLY_CONNECTED bias as int64 (an int32 bias gives wrong results there)");
    }
    Int16Output.checkInt64Bias(ctx, p.bias(), p.units());
    if (p.output().rank() != 2) {
      // 2.6.2's int16 kernel reads the batch count from output dimension 0 and the units from
      // dimension 1: a rank-3 output comes out partly unwritten, a rank-1 output makes it read past
      // the output's dimensions (undefined: it has crashed the process).
      throw ctx.unsupported("16x8 FULLY_CONNECTED with keep_num_dims and a rank-" + p.output().rank()
          + " output " + p.output() + ": TensorFlow Lite 2.6.2 computes it wrongly (it needs a 2-D output)");
    }
    Quantized.Params in = Int16Output.symmetric(ctx, p.input(), "input");
    Quantized.Params out = Int16Output.symmetric(ctx, p.output(), "output");
    Quantization wq = w.quantization();
    if (wq == null || !wq.hasScale()) {
      throw ctx.invalid("has int8 weights " + w + " without quantization parameters");
    }
    if (wq.isPerAxis()) {
      // 2.6.2 reads the per-tensor scale slot, which is 0 for per-axis tensors: every output is 0.
      throw ctx.unsupported("per-channel weights " + w + " in a 16x8 FULLY_CONNECTED: TensorFlow Lite 2.6.2 "
          + "computes it with scale 0 (every output 0); quantize the weights per tensor");
    }
    float ws = wq.scale();
    if (!(ws >= 0) || Float.isInfinite(ws)) {
      throw ctx.invalid("has weights " + w + " with scale " + ws + "; it must be finite and not negative");
    }
    float[] scales = new float[p.units()];
    Arrays.fill(scales, ws);
    QuantizedMatMulKernels.checkBiasScale(ctx, p.bias(), in.scale(), scales, out.scale());
    Quantized.Range range = Quantized.activationRange(ctx, act, out, DataType.INT16);
    PreparedFc q = new PreparedFc(p, (int) wq.zeroPoint(),
        Int16Output.stage(ctx, in.scale(), scales, out.scale(), range, arithmetic));
    return () -> runFullyConnected(q);
  }

  /** {@code acc = sum_k (w - zp_w) * x + bias} in int64. */
  static void runFullyConnected(PreparedFc q) {
    FcParams p = q.geometry();
    short[] x = p.input().shorts();
    byte[] w = p.weights().bytes();
    long[] bias = p.bias() == null ? null : p.bias().longs();
    short[] y = p.output().shorts();
    int zpW = q.weightZeroPoint();
    int depth = p.depth();
    for (int r = 0; r < p.rows(); r++) {
      for (int u = 0; u < p.units(); u++) {
        long acc = 0;
        int xo = r * depth;
        int wo = u * depth;
        for (int k = 0; k < depth; k++) {
          acc += (w[wo + k] - zpW) * x[xo + k];
        }
        if (bias != null) {
          acc += bias[u];
        }
        y[r * p.units() + u] = (short) q.out().apply(acc, u);
      }
    }
  }

  static Kernel batchMatMul(OpContext ctx) {
    return batchMatMul(ctx, Arithmetic.MATRIX_PRODUCT);
  }

  /** BATCH_MATMUL with the given arithmetic; both operands int16, no fused activation. */
  static Kernel batchMatMul(OpContext ctx, Arithmetic arithmetic) {
    BmmParams p = MatMulKernels.batchMatMulGeometry(ctx);
    if (p.rhs().type() != DataType.INT16) {
      throw ctx.unsupported(p.rhs().type().displayName() + " right-hand side " + p.rhs()
          + " with an int16 left-hand side (TensorFlow Lite 2.6.2 needs both int16)");
    }
    Quantized.Params lhs = Int16Output.symmetric(ctx, p.lhs(), "left-hand side");
    Quantized.Params rhs = Int16Output.symmetric(ctx, p.rhs(), "right-hand side");
    Quantized.Params out = Int16Output.symmetric(ctx, p.output(), "output");
    Stage stage = Int16Output.stage(ctx, lhs.scale(), new float[] {rhs.scale()}, out.scale(),
        Quantized.fullRange(DataType.INT16), arithmetic);
    PreparedBmm q = new PreparedBmm(p, stage);
    return () -> runBatchMatMul(q);
  }

  static void runBatchMatMul(PreparedBmm q) {
    BmmParams p = q.geometry();
    short[] a = p.lhs().shorts();
    short[] b = p.rhs().shorts();
    short[] y = p.output().shorts();
    int m = p.m();
    int k = p.k();
    int n = p.n();
    for (int batch = 0; batch < p.batches(); batch++) {
      int ao = p.lhsBatch()[batch] * m * k;
      int bo = p.rhsBatch()[batch] * k * n;
      int yo = batch * m * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long acc = 0;
          for (int t = 0; t < k; t++) {
            int av = p.adjX() ? a[ao + t * m + i] : a[ao + i * k + t];
            int bv = p.adjY() ? b[bo + j * k + t] : b[bo + t * n + j];
            acc += av * bv;
          }
          y[yo + i * n + j] = (short) q.out().apply(acc, 0);
        }
      }
    }
  }
}
