package dev.litequant.runtime.kernels;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import dev.litequant.runtime.kernels.Int16Output.Arithmetic;
import dev.litequant.runtime.kernels.Int16Output.Stage;

/**
 * 16x8 CONV_2D and DEPTHWISE_CONV_2D (int16 activations, symmetric int8 filters with one scale per
 * output channel or one for all, int64 bias), bit-exact with TensorFlow Lite 2.6.2, which runs
 * its reference kernels for them: int64 accumulators of {@code w * x} over the taps inside the
 * image, plus the bias, then the 16-bit multiply of {@link Int16Output}. Zero points are 0, so
 * padding contributes nothing.
 */
final class Int16ConvolutionKernels {
  private Int16ConvolutionKernels() {}

  /** A prepared 16x8 convolution. */
  record Prepared(ConvParams geometry, Stage out) {}

  static Kernel conv2d(OpContext ctx) {
    return conv2d(ctx, Arithmetic.CONVOLUTION);
  }

  /** CONV_2D with the given arithmetic (tests use the alternatives to show the oracle tells them apart). */
  static Kernel conv2d(OpContext ctx, Arithmetic arithmetic) {
    ConvParams p = ConvolutionKernels.convGeometry(ctx);
    if (p.bias() == null) {
      // 2.6.2's CONV_2D refuses a missing bias for every quantized type ("has_bias was not true").
      throw ctx.unsupported("16x8 CONV_2D without a bias (TensorFlow Lite 2.6.2 requires one)");
    }
    Prepared q = prepare(ctx, p, 0, arithmetic);
    return () -> runConv(q);
  }

  static Kernel depthwise(OpContext ctx) {
    return depthwise(ctx, Arithmetic.CONVOLUTION);
  }

  static Kernel depthwise(OpContext ctx, Arithmetic arithmetic) {
    Prepared q = prepare(ctx, ConvolutionKernels.depthwiseGeometry(ctx), 3, arithmetic);
    return () -> runDepthwise(q);
  }

  /** Types and quantization parameters; {@code filterAxis} is the filter's output-channel axis. */
  private static Prepared prepare(OpContext ctx, ConvParams p, int filterAxis, Arithmetic arithmetic) {
    Int16Output.requireInt8Weights(ctx, p.filter());
    Int16Output.checkInt64Bias(ctx, p.bias(), p.outC());
    Quantized.Params in = Int16Output.symmetric(ctx, p.input(), "input");
    Quantized.Params out = Int16Output.symmetric(ctx, p.output(), "output");
    float[] filterScales = QuantizedOutput.channelScales(ctx, p.filter(), filterAxis, p.outC());
    Quantized.Range range = Quantized.activationRange(ctx, p.activation(), out, p.output().type());
    return new Prepared(p, Int16Output.stage(ctx, in.scale(), filterScales, out.scale(), range, arithmetic));
  }

  static void runConv(Prepared q) {
    ConvParams p = q.geometry();
    short[] x = p.input().shorts();
    byte[] w = p.filter().bytes();
    long[] bias = p.bias().longs();
    short[] y = p.output().shorts();
    int inC = p.inC();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * p.outC();
          for (int oc = 0; oc < p.outC(); oc++) {
            long acc = 0;
            for (int ky = 0; ky < p.kh(); ky++) {
              int iy = p.rows().source(oy, ky);
              if (iy < 0 || iy >= p.inH()) {
                continue;
              }
              for (int kx = 0; kx < p.kw(); kx++) {
                int ix = p.cols().source(ox, kx);
                if (ix < 0 || ix >= p.inW()) {
                  continue;
                }
                int inBase = ((b * p.inH() + iy) * p.inW() + ix) * inC;
                int wBase = ((oc * p.kh() + ky) * p.kw() + kx) * inC;
                for (int ic = 0; ic < inC; ic++) {
                  acc += w[wBase + ic] * x[inBase + ic];
                }
              }
            }
            y[outBase + oc] = (short) q.out().apply(acc + bias[oc], oc);
          }
        }
      }
    }
  }

  /** Output channel oc reads input channel oc / depth_multiplier; a missing bias counts as zeros. */
  static void runDepthwise(Prepared q) {
    ConvParams p = q.geometry();
    short[] x = p.input().shorts();
    byte[] w = p.filter().bytes();
    RuntimeTensor biasTensor = p.bias();
    long[] bias = biasTensor == null ? null : biasTensor.longs();
    short[] y = p.output().shorts();
    int outC = p.outC();
    int dm = p.depthMultiplier();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
          for (int oc = 0; oc < outC; oc++) {
            int ic = oc / dm;
            long acc = 0;
            for (int ky = 0; ky < p.kh(); ky++) {
              int iy = p.rows().source(oy, ky);
              if (iy < 0 || iy >= p.inH()) {
                continue;
              }
              for (int kx = 0; kx < p.kw(); kx++) {
                int ix = p.cols().source(ox, kx);
                if (ix < 0 || ix >= p.inW()) {
                  continue;
                }
                acc += w[(ky * p.kw() + kx) * outC + oc] * x[((b * p.inH() + iy) * p.inW() + ix) * p.inC() + ic];
              }
            }
            y[outBase + oc] = (short) q.out().apply(bias == null ? acc : acc + bias[oc], oc);
          }
        }
      }
    }
  }
}
