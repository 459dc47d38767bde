package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class ReductionKernels {
  private ReductionKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
