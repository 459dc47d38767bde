package dev.litequant.runtime.kernels.vector;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.kernels.ConvolutionKernels;
import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CONV_2D as a blocked matrix product: the filter is repacked once into [tap * in_channel][out
 * channel] rows, the input is padded once per run, and each step multiplies one input value
 * (broadcast) by a vector of output channels for four output pixels at a time.
 */
final class VectorConv2D {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  private static final int PIXELS = 4;

  private final ConvParams p;
  private final PaddedInput padded;
  /** Filter as [outBlock][k][V], k = (ky * kw + kx) * inC + ic; out channels padded to V. */
  private final float[] packed;
  private final float[] bias;
  private final int blocks;
  private final int depth;
  private final float[] lanes = new float[V];

  private VectorConv2D(ConvParams p) {
    this.p = p;
    this.padded = new PaddedInput(p);
    this.depth = p.kh() * p.kw() * p.inC();
    this.blocks = (p.outC() + V - 1) / V;
    this.packed = new float[blocks * depth * V];
    this.bias = new float[blocks * V];
    if (p.filter().isKnown()) {
      pack(p.filter().floats());
    }
  }

  static Kernel create(OpContext ctx) {
    ConvParams p = ConvolutionKernels.prepareConv(ctx);
    VectorConv2D k = new VectorConv2D(p);
    return k::run;
  }

  private void pack(float[] w) {
    int outC = p.outC();
    for (int oc = 0; oc < outC; oc++) {
      int block = oc / V;
      int lane = oc % V;
      for (int k = 0; k < depth; k++) {
        packed[(block * depth + k) * V + lane] = w[oc * depth + k];
      }
    }
  }

  private void run() {
    if (!p.filter().isKnown()) {
      pack(p.filter().floats());
    }
    java.util.Arrays.fill(bias, 0f);
    if (p.bias() != null) {
      System.arraycopy(p.bias().floats(), 0, bias, 0, p.outC());
    }
    float[] x = padded.fill(p.input().floats(), p.batches(), p.inH(), p.inW());
    float[] y = p.output().floats();
    int outW = p.outW();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        int ox = 0;
        for (; ox + PIXELS <= outW; ox += PIXELS) {
          for (int block = 0; block < blocks; block++) {
            fourPixels(x, y, b, oy, ox, block);
          }
        }
        for (; ox < outW; ox++) {
          for (int block = 0; block < blocks; block++) {
            onePixel(x, y, b, oy, ox, block);
          }
        }
      }
    }
  }

  /** Offset in the padded input of the first channel of tap (0, 0) for output pixel (oy, ox). */
  private int origin(int b, int oy, int ox) {
    return ((b * padded.height + oy * p.rows().stride()) * padded.width + ox * p.cols().stride()) * p.inC();
  }

  private void fourPixels(float[] x, float[] y, int b, int oy, int ox, int block) {
    int inC = p.inC();
    int pixelStep = p.cols().stride() * inC;
    int base = origin(b, oy, ox);
    FloatVector init = FloatVector.fromArray(S, bias, block * V);
    FloatVector a0 = init;
    FloatVector a1 = init;
    FloatVector a2 = init;
    FloatVector a3 = init;
    int w = block * depth * V;
    for (int ky = 0; ky < p.kh(); ky++) {
      int rowOff = base + ky * p.rows().dilation() * padded.width * inC;
      for (int kx = 0; kx < p.kw(); kx++) {
        int i0 = rowOff + kx * p.cols().dilation() * inC;
        int i1 = i0 + pixelStep;
        int i2 = i1 + pixelStep;
        int i3 = i2 + pixelStep;
        for (int ic = 0; ic < inC; ic++, w += V) {
          FloatVector wv = FloatVector.fromArray(S, packed, w);
          a0 = wv.fma(FloatVector.broadcast(S, x[i0 + ic]), a0);
          a1 = wv.fma(FloatVector.broadcast(S, x[i1 + ic]), a1);
          a2 = wv.fma(FloatVector.broadcast(S, x[i2 + ic]), a2);
          a3 = wv.fma(FloatVector.broadcast(S, x[i3 + ic]), a3);
        }
      }
    }
    int out = ((b * p.outH() + oy) * p.outW() + ox) * p.outC() + block * V;
    store(a0, y, out, block);
    store(a1, y, out + p.outC(), block);
    store(a2, y, out + 2 * p.outC(), block);
    store(a3, y, out + 3 * p.outC(), block);
  }

  private void onePixel(float[] x, float[] y, int b, int oy, int ox, int block) {
    int inC = p.inC();
    int base = origin(b, oy, ox);
    FloatVector acc = FloatVector.fromArray(S, bias, block * V);
    int w = block * depth * V;
    for (int ky = 0; ky < p.kh(); ky++) {
      int rowOff = base + ky * p.rows().dilation() * padded.width * inC;
      for (int kx = 0; kx < p.kw(); kx++) {
        int i0 = rowOff + kx * p.cols().dilation() * inC;
        for (int ic = 0; ic < inC; ic++, w += V) {
          acc = FloatVector.fromArray(S, packed, w).fma(FloatVector.broadcast(S, x[i0 + ic]), acc);
        }
      }
    }
    store(acc, y, ((b * p.outH() + oy) * p.outW() + ox) * p.outC() + block * V, block);
  }

  /** Applies the activation and writes the lanes that are real output channels. */
  private void store(FloatVector acc, float[] y, int offset, int block) {
    FloatVector v = acc.max(p.act().min()).min(p.act().max());
    int valid = Math.min(V, p.outC() - block * V);
    if (valid == V) {
      v.intoArray(y, offset);
    } else {
      v.intoArray(lanes, 0);
      System.arraycopy(lanes, 0, y, offset, valid);
    }
  }
}
