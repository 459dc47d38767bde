package dev.litequant.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Assigns arrays to the tensors computed at run time so that tensors whose lifetimes do not
 * overlap share storage. Lifetimes are operator index ranges [first write, last read]; an array is
 * reused only after the operator that last reads its previous tenant has run, so an operator never
 * writes into an array one of its own inputs is using.
 */
final class MemoryPlanner {
  private static final class Slot {
    final StorageKind kind;
    int capacity;
    int freeAfter = Integer.MIN_VALUE;
    final List<RuntimeTensor> tenants = new ArrayList<>();

    Slot(StorageKind kind) {
      this.kind = kind;
    }
  }

  /** A tensor to place: it is written by operator {@code first} (-1 for inputs), last read by {@code last}. */
  record Request(RuntimeTensor tensor, int first, int last) {}

  private long totalElements;
  private int arrays;

  /** Binds every requested tensor to an array; requests must be sorted by {@code first}. */
  void plan(List<Request> requests) {
    List<Slot> slots = new ArrayList<>();
    for (Request r : requests) {
      RuntimeTensor t = r.tensor();
      int need = Math.max(1, t.size());
      Slot best = null;
      for (Slot s : slots) {
        // Free strictly before this tensor is first written.
        if (s.kind == t.kind() && s.freeAfter < r.first()) {
          if (best == null || fitScore(s, need) < fitScore(best, need)) {
            best = s;
          }
        }
      }
      if (best == null) {
        best = new Slot(t.kind());
        slots.add(best);
      }
      best.capacity = Math.max(best.capacity, need);
      best.freeAfter = r.last();
      best.tenants.add(t);
    }
    for (Slot s : slots) {
      Object array = s.kind.allocate(s.capacity);
      totalElements += s.capacity;
      arrays++;
      for (RuntimeTensor t : s.tenants) {
        t.bind(array);
      }
    }
  }

  /** Prefers the smallest slot that already fits, then the one that needs to grow least. */
  private static long fitScore(Slot s, int need) {
    return s.capacity >= need ? s.capacity - need : (long) Integer.MAX_VALUE + (need - s.capacity);
  }

  long totalElements() {
    return totalElements;
  }

  int arrays() {
    return arrays;
  }
}
