package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class LstmKernels {
  private LstmKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
