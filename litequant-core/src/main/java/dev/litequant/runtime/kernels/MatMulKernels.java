package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BATCH_MATMUL;
import static dev.litequant.graph.BuiltinOperator.FULLY_CONNECTED;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/**
 * Reference float kernels of FULLY_CONNECTED and BATCH_MATMUL; int8 and uint8 inputs go to {@link
 * QuantizedMatMulKernels}, int16 (16x8) inputs to {@link Int16MatMulKernels}, float inputs with int8
 * weights to {@link HybridMatMulKernels}.
 */
public final class MatMulKernels {
  private MatMulKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(FULLY_CONNECTED, 9, MatMulKernels::fullyConnected);
    b.add(BATCH_MATMUL, 4, MatMulKernels::batchMatMul);
  }

  /**
   * A float FULLY_CONNECTED: {@code rows} input rows of {@code depth} values against a [units,
   * depth] weight matrix.
   */
  public record FcParams(RuntimeTensor input, RuntimeTensor weights, RuntimeTensor bias, RuntimeTensor output,
      int rows, int depth, int units, FusedActivations act) {}

  /** Validates and prepares a float FULLY_CONNECTED; shared with the fast kernel. */
  public static FcParams prepareFullyConnected(OpContext ctx) {
    ctx.requireType(0, DataType.FLOAT32);
    RuntimeTensor w = ctx.requireInput(1);
    if (w.type() != DataType.FLOAT32) {
      throw ctx.unsupported(w.type().displayName() + " weights (hybrid or quantized FULLY_CONNECTED)");
    }
    FcParams p = fullyConnectedGeometry(ctx);
    if (p.bias() != null && p.bias().type() != DataType.FLOAT32) {
      throw ctx.invalid("has bias " + p.bias() + " for " + p.units() + " units");
    }
    return p;
  }

  /** Shapes and options of a FULLY_CONNECTED of any element type; sets the output shape. */
  static FcParams fullyConnectedGeometry(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor w = ctx.requireInput(1);
    RuntimeTensor bias = ctx.input(2);
    Table o = ctx.options("FullyConnectedOptions");
    if (o.getInt("weights_format") != 0) {
      throw ctx.unsupported("shuffled weights format");
    }
    if (w.rank() != 2) {
      throw ctx.invalid("needs 2-D weights, got " + w);
    }
    int units = w.dim(0);
    int depth = w.dim(1);
    if (depth == 0 || in.size() % depth != 0) {
      throw ctx.invalid("has input " + in + " whose size is not a multiple of the weights' depth " + depth);
    }
    if (bias != null && bias.size() != units) {
      throw ctx.invalid("has bias " + bias + " for " + units + " units");
    }
    int rows = in.size() / depth;
    if (o.getBool("keep_num_dims")) {
      int[] shape = in.shape();
      shape[shape.length - 1] = units;
      ctx.setOutputShape(0, shape);
    } else {
      ctx.setOutputShape(0, rows, units);
    }
    return new FcParams(in, w, bias, ctx.output(0), rows, depth, units,
        FusedActivations.of(o.getInt("fused_activation_function")));
  }

  /** FULLY_CONNECTED: int8, uint8 and int16 (16x8) inputs take the integer kernels, float32 the float one. */
  public static Kernel fullyConnected(OpContext ctx) {
    DataType t = ctx.requireInput(0).type();
    if (t == DataType.INT8 || t == DataType.UINT8) {
      return QuantizedMatMulKernels.fullyConnected(ctx);
    }
    if (t == DataType.INT16) {
      return Int16MatMulKernels.fullyConnected(ctx);
    }
    if (HybridMatMulKernels.isHybrid(ctx.requireInput(0), ctx.requireInput(1))) {
      return HybridMatMulKernels.fullyConnected(ctx);
    }
    FcParams p = prepareFullyConnected(ctx);
    return () -> runFullyConnected(p);
  }

  public static void runFullyConnected(FcParams p) {
    float[] x = p.input().floats();
    float[] w = p.weights().floats();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    for (int r = 0; r < p.rows(); r++) {
      for (int u = 0; u < p.units(); u++) {
        float acc = 0f;
        int xo = r * p.depth();
        int wo = u * p.depth();
        for (int k = 0; k < p.depth(); k++) {
          acc += x[xo + k] * w[wo + k];
        }
        if (bias != null) {
          acc += bias[u];
        }
        y[r * p.units() + u] = p.act().apply(acc);
      }
    }
  }

  /**
   * A float BATCH_MATMUL: for each output batch, an [m, k] x [k, n] product, with the batch
   * dimensions broadcast and either operand optionally transposed (adj_x, adj_y).
   */
  public record BmmParams(RuntimeTensor lhs, RuntimeTensor rhs, RuntimeTensor output, int batches,
      int[] lhsBatch, int[] rhsBatch, int m, int k, int n, boolean adjX, boolean adjY) {}

  public static BmmParams prepareBatchMatMul(OpContext ctx) {
    ctx.requireType(0, DataType.FLOAT32);
    RuntimeTensor rhs = ctx.requireInput(1);
    if (rhs.type() != DataType.FLOAT32) {
      throw ctx.unsupported(rhs.type().displayName() + " right-hand side (hybrid or quantized BATCH_MATMUL)");
    }
    return batchMatMulGeometry(ctx);
  }

  /** Shapes and options of a BATCH_MATMUL of any element type; sets the output shape. */
  static BmmParams batchMatMulGeometry(OpContext ctx) {
    RuntimeTensor lhs = ctx.requireInput(0);
    RuntimeTensor rhs = ctx.requireInput(1);
    Table o = ctx.options("BatchMatMulOptions");
    boolean adjX = o.getBool("adj_x");
    boolean adjY = o.getBool("adj_y");
    if (lhs.rank() < 2 || rhs.rank() < 2) {
      throw ctx.invalid("needs operands of rank >= 2, got " + lhs + " and " + rhs);
    }
    int m = adjX ? lhs.dim(lhs.rank() - 1) : lhs.dim(lhs.rank() - 2);
    int k = adjX ? lhs.dim(lhs.rank() - 2) : lhs.dim(lhs.rank() - 1);
    int k2 = adjY ? rhs.dim(rhs.rank() - 1) : rhs.dim(rhs.rank() - 2);
    int n = adjY ? rhs.dim(rhs.rank() - 2) : rhs.dim(rhs.rank() - 1);
    if (k != k2) {
      throw ctx.invalid("multiplies " + lhs + " by " + rhs + " with mismatched inner dimensions " + k + " and " + k2);
    }
    int[] lb = Arrays.copyOf(lhs.dims(), lhs.rank() - 2);
    int[] rb = Arrays.copyOf(rhs.dims(), rhs.rank() - 2);
    int[] batch = Shapes.broadcast(lb, rb);
    if (batch == null) {
      throw ctx.invalid("cannot broadcast the batch dimensions of " + lhs + " and " + rhs);
    }
    int[] outShape = Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    ctx.setOutputShape(0, outShape);
    return new BmmParams(lhs, rhs, ctx.output(0), Shapes.size(batch), Shapes.broadcastIndex(lb, batch),
        Shapes.broadcastIndex(rb, batch), m, k, n, adjX, adjY);
  }

  /** BATCH_MATMUL: int8 and int16 operands take the integer kernels, float32 operands the float one. */
  public static Kernel batchMatMul(OpContext ctx) {
    DataType t = ctx.requireInput(0).type();
    if (t == DataType.INT8) {
      return QuantizedMatMulKernels.batchMatMul(ctx);
    }
    if (t == DataType.INT16) {
      return Int16MatMulKernels.batchMatMul(ctx);
    }
    if (HybridMatMulKernels.isHybrid(ctx.requireInput(0), ctx.requireInput(1))) {
      return HybridMatMulKernels.batchMatMul(ctx);
    }
    BmmParams p = prepareBatchMatMul(ctx);
    return () -> runBatchMatMul(p);
  }

  public static void runBatchMatMul(BmmParams p) {
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
        for (int j = 0; j < n; j++) {
          float acc = 0f;
          for (int t = 0; t < k; t++) {
            float av = p.adjX() ? a[ao + t * m + i] : a[ao + i * k + t];
            float bv = p.adjY() ? b[bo + j * k + t] : b[bo + t * n + j];
            acc += av * bv;
          }
          y[yo + i * n + j] = acc;
        }
      }
    }
  }
}
