package dev.litequant.runtime;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Operator;
import dev.litequant.runtime.kernels.StandardKernels;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Which kernel runs each builtin operator, and the highest operator version it understands. Every
 * operator has a scalar reference kernel; {@link #standard()} replaces some with fast (Vector API)
 * kernels when the {@code jdk.incubator.vector} module is present.
 */
public final class KernelRegistry {
  /** A registration: the kernel and the operator versions it accepts (1..maxVersion). */
  public record Entry(BuiltinOperator op, int maxVersion, KernelFactory factory) {}

  private final Map<BuiltinOperator, Entry> entries;
  private final boolean fast;

  private KernelRegistry(Map<BuiltinOperator, Entry> entries, boolean fast) {
    this.entries = entries;
    this.fast = fast;
  }

  /** Only the scalar reference kernels. */
  public static KernelRegistry reference() {
    Builder b = new Builder();
    StandardKernels.registerReference(b);
    return b.build(false);
  }

  /** The reference kernels, with fast kernels where the Vector API is available. */
  public static KernelRegistry standard() {
    Builder b = new Builder();
    StandardKernels.registerReference(b);
    boolean fast = StandardKernels.registerFast(b);
    return b.build(fast);
  }

  /** Whether any fast kernel replaced a reference kernel. */
  public boolean usesFastKernels() {
    return fast;
  }

  /** The entry for an operator, or null when the operator has no kernel. */
  public Entry lookup(Operator op) {
    BuiltinOperator type = op.type();
    return type == null ? null : entries.get(type);
  }

  public Set<BuiltinOperator> operators() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** A copy with one operator's kernel replaced (for tests and extensions). */
  public KernelRegistry with(BuiltinOperator op, int maxVersion, KernelFactory factory) {
    Map<BuiltinOperator, Entry> copy = new EnumMap<>(entries);
    copy.put(op, new Entry(op, maxVersion, factory));
    return new KernelRegistry(copy, fast);
  }

  /** Collects registrations; a later registration of an operator replaces the earlier one. */
  public static final class Builder {
    private final Map<BuiltinOperator, Entry> entries = new EnumMap<>(BuiltinOperator.class);

    public Builder add(BuiltinOperator op, int maxVersion, KernelFactory factory) {
      entries.put(op, new Entry(op, maxVersion, factory));
      return this;
    }

    /** Replaces the kernel of an operator registered earlier, keeping its version range. */
    public Builder replace(BuiltinOperator op, KernelFactory factory) {
      Entry e = entries.get(op);
      if (e == null) {
        throw new IllegalStateException("no reference kernel registered for " + op);
      }
      entries.put(op, new Entry(op, e.maxVersion(), factory));
      return this;
    }

    KernelRegistry build(boolean fast) {
      return new KernelRegistry(new EnumMap<>(entries), fast);
    }
  }
}
