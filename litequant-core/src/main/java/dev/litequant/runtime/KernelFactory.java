package dev.litequant.runtime;

/**
 * Prepares one operator: validates its inputs and options, computes its output shapes (with
 * {@link OpContext#setOutputShape}) and returns the kernel that will run it. Throws
 * {@link UnsupportedOperatorException} (via {@link OpContext#unsupported}) for cases it does not
 * implement, so that the interpreter can list every unsupported operator at once.
 */
@FunctionalInterface
public interface KernelFactory {
  Kernel create(OpContext ctx);
}
