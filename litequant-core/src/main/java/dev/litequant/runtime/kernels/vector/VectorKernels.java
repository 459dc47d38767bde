package dev.litequant.runtime.kernels.vector;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.runtime.KernelRegistry;

/**
 * Fast float kernels written with the Vector API ({@code jdk.incubator.vector}). Loaded only when
 * the running JVM has that module (see {@code StandardKernels}); each one falls back to its
 * reference kernel for cases it does not cover, and each is differential-tested against it.
 */
public final class VectorKernels {
  private VectorKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.replace(BuiltinOperator.CONV_2D, VectorConv2D::create);
    b.replace(BuiltinOperator.DEPTHWISE_CONV_2D, VectorDepthwiseConv2D::create);
    b.replace(BuiltinOperator.FULLY_CONNECTED, VectorFullyConnected::create);
    b.replace(BuiltinOperator.BATCH_MATMUL, VectorBatchMatMul::create);
  }
}
