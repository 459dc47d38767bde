package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class ResizeKernels {
  private ResizeKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
