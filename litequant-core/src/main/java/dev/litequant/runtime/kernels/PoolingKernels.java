package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class PoolingKernels {
  private PoolingKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
