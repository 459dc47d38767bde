package dev.litequant.runtime;

import java.util.Objects;

/** How an {@link Interpreter} is built: which kernels run the operators. */
public record InterpreterOptions(KernelRegistry kernels) {
  public InterpreterOptions {
    Objects.requireNonNull(kernels, "kernels");
  }

  /** Fast kernels where available, reference kernels elsewhere. */
  public static InterpreterOptions defaults() {
    return new InterpreterOptions(Holder.STANDARD);
  }

  /** Only the scalar reference kernels (slow; the yardstick fast kernels are tested against). */
  public static InterpreterOptions referenceKernels() {
    return new InterpreterOptions(Holder.REFERENCE);
  }

  private static final class Holder {
    static final KernelRegistry STANDARD = KernelRegistry.standard();
    static final KernelRegistry REFERENCE = KernelRegistry.reference();
  }
}
