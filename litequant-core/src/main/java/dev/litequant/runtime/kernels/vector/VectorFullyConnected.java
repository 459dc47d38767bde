package dev.litequant.runtime.kernels.vector;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.kernels.MatMulKernels;
import dev.litequant.runtime.kernels.MatMulKernels.FcParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FULLY_CONNECTED as vectorised dot products along the depth, four units at a time so that each
 * input vector loaded serves four weight rows.
 */
final class VectorFullyConnected {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();

  private VectorFullyConnected() {}

  static Kernel create(OpContext ctx) {
    if (ctx.requireInput(0).type() != DataType.FLOAT32 || ctx.requireInput(1).type() != DataType.FLOAT32) {
      return MatMulKernels.fullyConnected(ctx); // the integer and hybrid kernels exist only as reference kernels
    }
    FcParams p = MatMulKernels.prepareFullyConnected(ctx);
    return () -> run(p);
  }

  static void run(FcParams p) {
    float[] x = p.input().floats();
    float[] w = p.weights().floats();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int depth = p.depth();
    int units = p.units();
    int vectorEnd = depth - depth % V;
    float lo = p.act().min();
    float hi = p.act().max();
    for (int r = 0; r < p.rows(); r++) {
      int xo = r * depth;
      int u = 0;
      for (; u + 4 <= units; u += 4) {
        int w0 = u * depth;
        int w1 = w0 + depth;
        int w2 = w1 + depth;
        int w3 = w2 + depth;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int k = 0; k < vectorEnd; k += V) {
          FloatVector xv = FloatVector.fromArray(S, x, xo + k);
          a0 = FloatVector.fromArray(S, w, w0 + k).fma(xv, a0);
          a1 = FloatVector.fromArray(S, w, w1 + k).fma(xv, a1);
          a2 = FloatVector.fromArray(S, w, w2 + k).fma(xv, a2);
          a3 = FloatVector.fromArray(S, w, w3 + k).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (int k = vectorEnd; k < depth; k++) {
          float xv = x[xo + k];
          s0 += xv * w[w0 + k];
          s1 += xv * w[w1 + k];
          s2 += xv * w[w2 + k];
          s3 += xv * w[w3 + k];
        }
        int yo = r * units + u;
        y[yo] = finish(s0, bias, u, lo, hi);
        y[yo + 1] = finish(s1, bias, u + 1, lo, hi);
        y[yo + 2] = finish(s2, bias, u + 2, lo, hi);
        y[yo + 3] = finish(s3, bias, u + 3, lo, hi);
      }
      for (; u < units; u++) {
        int wo = u * depth;
        FloatVector a = FloatVector.zero(S);
        for (int k = 0; k < vectorEnd; k += V) {
          a = FloatVector.fromArray(S, w, wo + k).fma(FloatVector.fromArray(S, x, xo + k), a);
        }
        float s = a.reduceLanes(VectorOperators.ADD);
        for (int k = vectorEnd; k < depth; k++) {
          s += x[xo + k] * w[wo + k];
        }
        y[r * units + u] = finish(s, bias, u, lo, hi);
      }
    }
  }

  private static float finish(float sum, float[] bias, int unit, float lo, float hi) {
    float v = bias == null ? sum : sum + bias[unit];
    return Math.min(Math.max(v, lo), hi);
  }
}
