package dev.litequant.runtime.kernels.vector;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.kernels.MatMulKernels;
import dev.litequant.runtime.kernels.MatMulKernels.BmmParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * BATCH_MATMUL vectorised along the output columns (a row of the left operand, broadcast, times
 * rows of the right operand) or, when the right operand is transposed (adj_y), along the shared
 * dimension as dot products.
 */
final class VectorBatchMatMul {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();

  private final BmmParams p;
  private final float[] row;

  private VectorBatchMatMul(BmmParams p) {
    this.p = p;
    this.row = new float[p.k()];
  }

  static Kernel create(OpContext ctx) {
    if (ctx.requireInput(0).type() != DataType.FLOAT32 || ctx.requireInput(1).type() != DataType.FLOAT32) {
      return MatMulKernels.batchMatMul(ctx); // the integer and hybrid kernels exist only as reference kernels
    }
    BmmParams p = MatMulKernels.prepareBatchMatMul(ctx);
    VectorBatchMatMul k = new VectorBatchMatMul(p);
    return k::run;
  }

  private void run() {
    float[] a = p.lhs().floats();
    float[] b = p.rhs().floats();
    float[] y = p.output().floats();
    int m = p.m();
    int k = p.k();
    int n = p.n();
    for (int batch = 0; batch < p.batches(); batch++) {
      int ao = p.lhsBatch()[batch] * m * k;
      int bo = p.rhsBatch()[batch] * k * n;
      int yo = batch * m * n;
      for (int i = 0; i < m; i++) {
        // Row i of the left operand, contiguous whether or not it is stored transposed.
        for (int t = 0; t < k; t++) {
          row[t] = p.adjX() ? a[ao + t * m + i] : a[ao + i * k + t];
        }
        if (p.adjY()) {
          dotRows(b, bo, y, yo + i * n, k, n);
        } else {
          axpyRows(b, bo, y, yo + i * n, k, n);
        }
      }
    }
  }

  /** y[j] = sum_t row[t] * b[t][j], vectorised over j. */
  private void axpyRows(float[] b, int bo, float[] y, int yo, int k, int n) {
    int vectorEnd = n - n % V;
    for (int j = 0; j < vectorEnd; j += V) {
      FloatVector acc = FloatVector.zero(S);
      for (int t = 0; t < k; t++) {
        acc = FloatVector.fromArray(S, b, bo + t * n + j).fma(FloatVector.broadcast(S, row[t]), acc);
      }
      acc.intoArray(y, yo + j);
    }
    for (int j = vectorEnd; j < n; j++) {
      float acc = 0f;
      for (int t = 0; t < k; t++) {
        acc += row[t] * b[bo + t * n + j];
      }
      y[yo + j] = acc;
    }
  }

  /** y[j] = sum_t row[t] * b[j][t] (the right operand stored transposed), vectorised over t. */
  private void dotRows(float[] b, int bo, float[] y, int yo, int k, int n) {
    int vectorEnd = k - k % V;
    for (int j = 0; j < n; j++) {
      int bj = bo + j * k;
      FloatVector acc = FloatVector.zero(S);
      for (int t = 0; t < vectorEnd; t += V) {
        acc = FloatVector.fromArray(S, b, bj + t).fma(FloatVector.fromArray(S, row, t), acc);
      }
      float s = acc.reduceLanes(VectorOperators.ADD);
      for (int t = vectorEnd; t < k; t++) {
        s += row[t] * b[bj + t];
      }
      y[yo + j] = s;
    }
  }
}
