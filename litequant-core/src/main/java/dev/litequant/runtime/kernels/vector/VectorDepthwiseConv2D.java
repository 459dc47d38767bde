package dev.litequant.runtime.kernels.vector;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.kernels.ConvolutionKernels;
import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D with a depth multiplier of 1, vectorised across channels: each filter tap is
 * one vector multiply-add of input channels by filter channels. Other multipliers run the
 * reference kernel.
 */
final class VectorDepthwiseConv2D {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();

  private final ConvParams p;
  private final PaddedInput padded;
  private final float[] zeros;
  /** Offset of each filter tap from the pixel's first tap in the padded input, in elements. */
  private final int[] tapOffsets;

  private VectorDepthwiseConv2D(ConvParams p) {
    this.p = p;
    this.padded = new PaddedInput(p);
    this.zeros = new float[p.outC()];
    this.tapOffsets = new int[p.kh() * p.kw()];
    for (int ky = 0; ky < p.kh(); ky++) {
      for (int kx = 0; kx < p.kw(); kx++) {
        tapOffsets[ky * p.kw() + kx] = (ky * p.rows().dilation() * padded.width + kx * p.cols().dilation()) * p.outC();
      }
    }
  }

  static Kernel create(OpContext ctx) {
    if (ctx.requireInput(0).type() != DataType.FLOAT32 || ctx.requireInput(1).type() != DataType.FLOAT32) {
      return ConvolutionKernels.depthwise(ctx); // the integer and hybrid kernels exist only as reference kernels
    }
    ConvParams p = ConvolutionKernels.prepareDepthwise(ctx);
    if (p.depthMultiplier() != 1) {
      return () -> ConvolutionKernels.runDepthwise(p);
    }
    VectorDepthwiseConv2D k = new VectorDepthwiseConv2D(p);
    return k::run;
  }

  private void run() {
    float[] x = padded.fill(p.input().floats(), p.batches(), p.inH(), p.inW());
    float[] w = p.filter().floats();
    float[] bias = p.bias() == null ? zeros : p.bias().floats();
    float[] y = p.output().floats();
    int c = p.outC();
    int vectorEnd = c - c % V;
    int rowStride = padded.width * c;
    int dy = p.rows().dilation() * rowStride;
    int dx = p.cols().dilation() * c;
    float lo = p.act().min();
    float hi = p.act().max();
    int[] offsets = tapOffsets;
    int taps = offsets.length;
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int base = ((b * padded.height + oy * p.rows().stride()) * padded.width + ox * p.cols().stride()) * c;
          int out = ((b * p.outH() + oy) * p.outW() + ox) * c;
          // One flat loop over the taps keeps the accumulator in a register (see VectorConv2D).
          for (int ch = 0; ch < vectorEnd; ch += V) {
            FloatVector acc = FloatVector.fromArray(S, bias, ch);
            for (int t = 0, wi = ch; t < taps; t++, wi += c) {
              acc = FloatVector.fromArray(S, x, base + offsets[t] + ch).fma(FloatVector.fromArray(S, w, wi), acc);
            }
            acc.max(lo).min(hi).intoArray(y, out + ch);
          }
          for (int ch = vectorEnd; ch < c; ch++) {
            float acc = bias[ch];
            for (int ky = 0; ky < p.kh(); ky++) {
              for (int kx = 0; kx < p.kw(); kx++) {
                acc += x[base + ky * dy + kx * dx + ch] * w[(ky * p.kw() + kx) * c + ch];
              }
            }
            y[out + ch] = Math.min(Math.max(acc, lo), hi);
          }
        }
      }
    }
  }
}
