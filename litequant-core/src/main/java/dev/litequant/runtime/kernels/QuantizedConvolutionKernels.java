package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import dev.litequant.runtime.kernels.QuantizedOutput.Arithmetic;
import dev.litequant.runtime.kernels.QuantizedOutput.Stage;

/**
 * Reference int8 kernels of CONV_2D and DEPTHWISE_CONV_2D, bit-exact with TensorFlow Lite 2.6.2
 * on x86-64 ({@code int8-arithmetic.md}, sections 3.1 and 3.2): int8 activations with a per-tensor
 * scale and zero point, symmetric int8 filters with one scale per output channel (a single scale
 * is repeated for every channel), int32 bias. Filter taps that fall in the padding contribute
 * nothing, which is what filling the padding with the input zero point amounts to.
 */
final class QuantizedConvolutionKernels {
  private QuantizedConvolutionKernels() {}

  /** A prepared integer convolution: the geometry, the input zero point and the output stage. */
  record QuantizedConv(ConvParams geometry, int inputZeroPoint, Stage out) {}

  /** CONV_2D as 2.6.2 runs it: im2col and a ruy GEMM, so ruy's single rounding. */
  static Kernel conv2d(OpContext ctx) {
    return conv2d(ctx, Arithmetic.RUY_DOUBLE);
  }

  /** CONV_2D with the given arithmetic (tests use the alternatives to show the oracle tells them apart). */
  static Kernel conv2d(OpContext ctx, Arithmetic arithmetic) {
    QuantizedConv q = prepare(ctx, ConvolutionKernels.convGeometry(ctx), 0, arithmetic);
    return () -> runConv(q);
  }

  /** DEPTHWISE_CONV_2D as 2.6.2 runs it: its own loops, so TensorFlow Lite's two roundings. */
  static Kernel depthwise(OpContext ctx) {
    return depthwise(ctx, Arithmetic.MBQM_DOUBLE);
  }

  static Kernel depthwise(OpContext ctx, Arithmetic arithmetic) {
    QuantizedConv q = prepare(ctx, ConvolutionKernels.depthwiseGeometry(ctx), 3, arithmetic);
    return () -> runDepthwise(q);
  }

  /** Types and quantization parameters; {@code filterAxis} is the filter's output-channel axis. */
  private static QuantizedConv prepare(OpContext ctx, ConvParams p, int filterAxis, Arithmetic arithmetic) {
    RuntimeTensor in = p.input();
    RuntimeTensor filter = p.filter();
    RuntimeTensor out = p.output();
    if (filter.type() != DataType.INT8) {
      throw ctx.unsupported(filter.type().displayName() + " filter with an int8 input (only int8 filters)");
    }
    if (out.type() != DataType.INT8) {
      throw ctx.unsupported(out.type().displayName() + " output with an int8 input (only int8 outputs)");
    }
    QuantizedOutput.checkInt32Bias(ctx, p.bias(), p.outC(), in);
    float inScale = QuantizedOutput.scale(ctx, in, "input");
    float outScale = QuantizedOutput.scale(ctx, out, "output");
    float[] filterScales = QuantizedOutput.channelScales(ctx, filter, filterAxis, p.outC());
    int[] range = QuantizedOutput.activationRange(ctx, p.activation(), out);
    Stage stage = QuantizedOutput.stage(ctx, inScale, filterScales, outScale, QuantizedOutput.zeroPoint(out), range,
        arithmetic);
    return new QuantizedConv(p, QuantizedOutput.zeroPoint(in), stage);
  }

  /** {@code acc = bias[oc] + sum of w * (x - zp_in)} over the taps inside the image; int32 wraps as in C. */
  static void runConv(QuantizedConv q) {
    ConvParams p = q.geometry();
    byte[] x = p.input().bytes();
    byte[] w = p.filter().bytes();
    int[] bias = p.bias() == null ? null : p.bias().ints();
    byte[] y = p.output().bytes();
    int zpIn = q.inputZeroPoint();
    int inC = p.inC();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * p.outC();
          for (int oc = 0; oc < p.outC(); oc++) {
            int acc = bias == null ? 0 : bias[oc];
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
                  acc += w[wBase + ic] * (x[inBase + ic] - zpIn);
                }
              }
            }
            y[outBase + oc] = (byte) q.out().apply(acc, oc);
          }
        }
      }
    }
  }

  /** Output channel oc reads input channel oc / depth_multiplier. */
  static void runDepthwise(QuantizedConv q) {
    ConvParams p = q.geometry();
    byte[] x = p.input().bytes();
    byte[] w = p.filter().bytes();
    int[] bias = p.bias() == null ? null : p.bias().ints();
    byte[] y = p.output().bytes();
    int zpIn = q.inputZeroPoint();
    int outC = p.outC();
    int dm = p.depthMultiplier();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
          for (int oc = 0; oc < outC; oc++) {
            int ic = oc / dm;
            int acc = bias == null ? 0 : bias[oc];
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
                int xv = x[((b * p.inH() + iy) * p.inW() + ix) * p.inC() + ic];
                acc += w[(ky * p.kw() + kx) * outC + oc] * (xv - zpIn);
              }
            }
            y[outBase + oc] = (byte) q.out().apply(acc, oc);
          }
        }
      }
    }
  }
}
