package dev.litequant.runtime;

/**
 * Sees every tensor each invocation: the inputs before the first operator, then each operator's
 * outputs right after it runs (before their memory can be reused). Calibration collects its
 * statistics through this hook. With no observer set the interpreter does not pay for it.
 */
@FunctionalInterface
public interface TensorObserver {
  /**
   * @param operatorIndex the operator that produced the tensor, or -1 for a model input
   */
  void observe(int operatorIndex, TensorView values);
}
