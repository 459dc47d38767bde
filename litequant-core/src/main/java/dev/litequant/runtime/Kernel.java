package dev.litequant.runtime;

/** One prepared operator: its parameters computed, its tensors bound. */
@FunctionalInterface
public interface Kernel {
  /** Computes the operator's outputs from its inputs. */
  void run();
}
