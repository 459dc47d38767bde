package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import dev.litequant.runtime.kernels.HybridInputs.RowParams;

/**
 * Hybrid (dynamic-range) CONV_2D and DEPTHWISE_CONV_2D: float input and output, int8 filters,
 * float bias. Each batch (the whole image) is quantized on the fly, the taps are summed in int32
 * and scaled back to float with the operation order of TensorFlow Lite 2.6.2 ({@code conv.cc}
 * EvalHybrid and EvalHybridPerChannel, {@code depthwise_conv.cc} EvalHybridPerChannel;
 * {@code int8-arithmetic.md} section 4):
 *
 * <ul>
 *   <li>CONV_2D, per-tensor filter: symmetric input, {@code clamp((float) acc * (sf_b * s_w) + bias)};
 *   <li>CONV_2D, per-channel filter: asymmetric input, padding worth the input zero point, so that
 *       {@code acc = sum of w * (q - zp_b)} over the taps inside the image, and
 *       {@code clamp((float) acc * (sf_b * s_w[c]) + bias[c])};
 *   <li>DEPTHWISE_CONV_2D: asymmetric input, same accumulator, {@code clamp(((float) acc * sf_b) *
 *       s_w[c] + bias[c])}.
 * </ul>
 *
 * <p>2.6.2 runs a per-channel CONV_2D filter whose scales are all equal through its per-tensor
 * branch, which reads the per-tensor scale slot (0 for per-axis tensors) and returns the bias.
 * LiteQuant takes the same branch with the common scale, the result intended.
 */
final class HybridConvolutionKernels {
  private HybridConvolutionKernels() {}

  /** A prepared hybrid convolution: geometry, one filter scale per output channel, and the scheme. */
  record HybridConv(ConvParams geometry, float[] filterScales, boolean asymmetric) {}

  static boolean isHybrid(RuntimeTensor input, RuntimeTensor filter) {
    return input.type() == DataType.FLOAT32 && filter.type() == DataType.INT8;
  }

  static Kernel conv2d(OpContext ctx) {
    ConvParams p = checked(ctx, ConvolutionKernels.convGeometry(ctx));
    Quantization q = p.filter().quantization();
    float[] scales;
    boolean perChannel = q != null && q.isPerAxis() && !allEqual(q.scales());
    if (q != null && q.isPerAxis()) {
      scales = QuantizedOutput.channelScales(ctx, p.filter(), 0, p.outC());
    } else {
      scales = HybridMatMulKernels.filled(p.outC(), HybridMatMulKernels.weightScale(ctx, p.filter()));
    }
    HybridConv h = new HybridConv(p, scales, perChannel);
    return () -> runConv(h);
  }

  static Kernel depthwise(OpContext ctx) {
    ConvParams p = checked(ctx, ConvolutionKernels.depthwiseGeometry(ctx));
    Quantization q = p.filter().quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has int8 filter " + p.filter() + " without a scale");
    }
    if (q.scaleCount() != p.outC() || q.isPerAxis() && q.axis() != 3) {
      // 2.6.2 indexes the scales by output channel and checks only their count against the quantized dimension.
      throw ctx.unsupported("hybrid DEPTHWISE_CONV_2D filter " + p.filter() + " with " + q.scaleCount()
          + " scale(s) along axis " + q.axis() + " (it needs one scale per output channel along axis 3)");
    }
    float[] scales = q.isPerAxis() ? QuantizedOutput.channelScales(ctx, p.filter(), 3, p.outC())
        : new float[] {HybridMatMulKernels.weightScale(ctx, p.filter())};
    HybridConv h = new HybridConv(p, scales, true);
    return () -> runDepthwise(h);
  }

  private static ConvParams checked(OpContext ctx, ConvParams p) {
    if (p.output().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.output().type().displayName() + " output with a float32 input and an int8 filter");
    }
    if (p.bias() != null && p.bias().type() != DataType.FLOAT32) {
      throw ctx.invalid("has an int8 (hybrid) filter with a " + p.bias().type().displayName()
          + " bias; a hybrid convolution takes a float32 bias");
    }
    HybridMatMulKernels.requireClippingActivation(ctx, p.activation());
    return p;
  }

  static boolean allEqual(float[] v) {
    for (float x : v) {
      if (Float.compare(x, v[0]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Quantizes each batch of the input; returns the codes and fills the per-batch parameters. */
  private static byte[] quantizeBatches(ConvParams p, boolean asymmetric, RowParams[] rows) {
    float[] x = p.input().floats();
    int per = p.inH() * p.inW() * p.inC();
    byte[] q = new byte[p.batches() * per];
    for (int b = 0; b < p.batches(); b++) {
      rows[b] = HybridInputs.quantize(asymmetric, x, b * per, per, q, b * per);
    }
    return q;
  }

  static void runConv(HybridConv h) {
    ConvParams p = h.geometry();
    RowParams[] rows = new RowParams[p.batches()];
    byte[] x = quantizeBatches(p, h.asymmetric(), rows);
    byte[] w = p.filter().bytes();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int inC = p.inC();
    for (int b = 0; b < p.batches(); b++) {
      int zp = rows[b].zeroPoint();
      float sf = rows[b].scalingFactor();
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * p.outC();
          for (int oc = 0; oc < p.outC(); oc++) {
            int acc = 0;
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
                  acc += w[wBase + ic] * (x[inBase + ic] - zp);
                }
              }
            }
            float v = 0f + acc * (sf * h.filterScales()[oc]);
            if (bias != null) {
              v = v + bias[oc];
            }
            y[outBase + oc] = p.act().apply(v);
          }
        }
      }
    }
  }

  static void runDepthwise(HybridConv h) {
    ConvParams p = h.geometry();
    RowParams[] rows = new RowParams[p.batches()];
    byte[] x = quantizeBatches(p, true, rows);
    byte[] w = p.filter().bytes();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    float[] scales = h.filterScales();
    int outC = p.outC();
    int dm = p.depthMultiplier();
    for (int b = 0; b < p.batches(); b++) {
      int zp = rows[b].zeroPoint();
      float sf = rows[b].scalingFactor();
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
          for (int oc = 0; oc < outC; oc++) {
            int ic = oc / dm;
            int acc = 0;
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
                acc += w[(ky * p.kw() + kx) * outC + oc] * (xv - zp);
              }
            }
            float v = (acc * sf) * scales[scales.length == 1 ? 0 : oc];
            if (bias != null) {
              v = v + bias[oc];
            }
            y[outBase + oc] = p.act().apply(v);
          }
        }
      }
    }
  }
}
