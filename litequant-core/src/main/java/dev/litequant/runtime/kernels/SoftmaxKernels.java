package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class SoftmaxKernels {
  private SoftmaxKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
