package dev.litequant.runtime.kernels.vector;

import dev.litequant.graph.DataType;
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
  /** For each k, the offset of its input value from the pixel's first tap in the padded input. */
  private final int[] tapOffsets;
  private final float[] lanes = new float[V];

  private VectorConv2D(ConvParams p) {
    this.p = p;
    this.padded = new PaddedInput(p);
    this.depth = p.kh() * p.kw() * p.inC();
    this.blocks = (p.outC() + V - 1) / V;
    this.packed = new float[blocks * depth * V];
    this.bias = new float[blocks * V];
    this.tapOffsets = new int[depth];
    int k = 0;
    for (int ky = 0; ky < p.kh(); ky++) {
      for (int kx = 0; kx < p.kw(); kx++) {
        int tap = (ky * p.rows().dilation() * padded.width + kx * p.cols().dilation()) * p.inC();
        for (int ic = 0; ic < p.inC(); ic++) {
          tapOffsets[k++] = tap + ic;
        }
      }
    }
    if (p.filter().isKnown()) {
      pack(p.filter().floats());
    }
  }

  static Kernel create(OpContext ctx) {
    if (ctx.requireInput(0).type() != DataType.FLOAT32 || ctx.requireInput(1).type() != DataType.FLOAT32) {
      return ConvolutionKernels.conv2d(ctx); // the integer and hybrid kernels exist only as reference kernels
    }
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

  // The accumulation is one flat loop over k (via tapOffsets), not nested tap loops: C2 keeps
  // vectors in registers across a single loop, but boxes them at the back-edges of nested ones,
  // which made the first version twenty times slower.
  private void fourPixels(float[] x, float[] y, int b, int oy, int ox, int block) {
    int step = p.cols().stride() * p.inC();
    int base0 = origin(b, oy, ox);
    int base1 = base0 + step;
    int base2 = base1 + step;
    int base3 = base2 + step;
    FloatVector init = FloatVector.fromArray(S, bias, block * V);
    FloatVector a0 = init;
    FloatVector a1 = init;
    FloatVector a2 = init;
    FloatVector a3 = init;
    int[] offsets = tapOffsets;
    float[] w = packed;
    int wi = block * depth * V;
    for (int k = 0; k < depth; k++, wi += V) {
      FloatVector wv = FloatVector.fromArray(S, w, wi);
      int off = offsets[k];
      a0 = wv.fma(FloatVector.broadcast(S, x[base0 + off]), a0);
      a1 = wv.fma(FloatVector.broadcast(S, x[base1 + off]), a1);
      a2 = wv.fma(FloatVector.broadcast(S, x[base2 + off]), a2);
      a3 = wv.fma(FloatVector.broadcast(S, x[base3 + off]), a3);
    }
    int out = ((b * p.outH() + oy) * p.outW() + ox) * p.outC() + block * V;
    store(a0, y, out, block);
    store(a1, y, out + p.outC(), block);
    store(a2, y, out + 2 * p.outC(), block);
    store(a3, y, out + 3 * p.outC(), block);
  }

  private void onePixel(float[] x, float[] y, int b, int oy, int ox, int block) {
    int base = origin(b, oy, ox);
    FloatVector acc = FloatVector.fromArray(S, bias, block * V);
    int[] offsets = tapOffsets;
    float[] w = packed;
    int wi = block * depth * V;
    for (int k = 0; k < depth; k++, wi += V) {
      acc = FloatVector.fromArray(S, w, wi).fma(FloatVector.broadcast(S, x[base + offsets[k]]), acc);
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
