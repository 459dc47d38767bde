package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class TransposeConvKernels {
  private TransposeConvKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
