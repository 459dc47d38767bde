package dev.litequant.runtime.kernels;

import dev.litequant.runtime.KernelRegistry;

/** (Being written.) */
public final class ShapeKernels {
  private ShapeKernels() {}

  public static void register(KernelRegistry.Builder b) {}
}
