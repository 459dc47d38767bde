package dev.litequant.runtime.kernels;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.kernels.Int16Output.Arithmetic;
import dev.litequant.runtime.kernels.Int16Output.Stage;
import dev.litequant.runtime.kernels.TransposeConvKernels.TransposeConvParams;
import java.util.Arrays;

/**
 * 16x8 TRANSPOSE_CONV (int16 input and output, int8 weights per channel or per tensor, optional
 * int64 bias), bit-exact with TensorFlow Lite 2.6.2's reference kernel: every input pixel
 * scatters {@code x * w} into int64 accumulators, the bias is added, and each output channel
 * goes through the 16-bit multiply of {@link Int16Output}, clamped to the int16 range (no fused
 * activation in 2.6).
 */
final class Int16TransposeConv {
  private Int16TransposeConv() {}

  /** A prepared 16x8 transpose convolution; {@code scratch} holds the int64 accumulators. */
  record Prepared(TransposeConvParams geometry, Stage out, long[] scratch) {}

  static Kernel create(OpContext ctx, TransposeConvParams p) {
    return create(ctx, p, Arithmetic.CONVOLUTION);
  }

  /** The kernel with the given arithmetic (tests use the alternatives). */
  static Kernel create(OpContext ctx, TransposeConvParams p, Arithmetic arithmetic) {
    Int16Output.requireInt8Weights(ctx, p.weights());
    Int16Output.checkInt64Bias(ctx, p.bias(), p.outC());
    Quantized.Params in = Int16Output.symmetric(ctx, p.input(), "input");
    Quantized.Params out = Int16Output.symmetric(ctx, p.output(), "output");
    float[] scales = QuantizedOutput.channelScales(ctx, p.weights(), 0, p.outC());
    Stage stage = Int16Output.stage(ctx, in.scale(), scales, out.scale(),
        Quantized.fullRange(p.output().type()), arithmetic);
    Prepared q = new Prepared(p, stage, new long[p.batches() * p.outH() * p.outW() * p.outC()]);
    return () -> run(q);
  }

  static void run(Prepared q) {
    TransposeConvParams p = q.geometry();
    short[] x = p.input().shorts();
    byte[] w = p.weights().bytes();
    long[] bias = p.bias() == null ? null : p.bias().longs();
    short[] y = p.output().shorts();
    long[] acc = q.scratch();
    int inC = p.inC();
    int outC = p.outC();
    Arrays.fill(acc, 0);
    for (int b = 0; b < p.batches(); b++) {
      for (int iy = 0; iy < p.inH(); iy++) {
        for (int ix = 0; ix < p.inW(); ix++) {
          int inBase = ((b * p.inH() + iy) * p.inW() + ix) * inC;
          for (int ky = 0; ky < p.kh(); ky++) {
            int oy = iy * p.strideH() - p.padTop() + ky;
            if (oy < 0 || oy >= p.outH()) {
              continue;
            }
            for (int kx = 0; kx < p.kw(); kx++) {
              int ox = ix * p.strideW() - p.padLeft() + kx;
              if (ox < 0 || ox >= p.outW()) {
                continue;
              }
              int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
              for (int oc = 0; oc < outC; oc++) {
                int wBase = ((oc * p.kh() + ky) * p.kw() + kx) * inC;
                long sum = 0;
                for (int ic = 0; ic < inC; ic++) {
                  sum += x[inBase + ic] * w[wBase + ic];
                }
                acc[outBase + oc] += sum;
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      int oc = i % outC;
      y[i] = (short) q.out().apply(bias == null ? acc[i] : acc[i] + bias[oc], oc);
    }
  }
}
