package dev.litequant.runtime.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The meaning of a STRIDED_SLICE's begin/end/strides and masks for one input shape: which input
 * element each output axis starts at, how many it takes and with what step.
 *
 * <p>The index entries are numpy-style: an entry may be an ellipsis (full ranges for as many input
 * axes as the other entries leave over), a new axis (an output axis of size 1) or a range on the
 * next input axis, optionally shrunk to the single element at begin. Input axes after the last
 * entry are taken whole. Ranges follow TensorFlow Lite 2.6.2 ({@code strided_slice_logic.h}): a
 * negative begin or end counts from the end of the axis, a masked one stands for the far end in the
 * stride's direction, then both are clamped to {@code [0, size]} (or {@code [-1, size - 1]} for a
 * negative stride). With the {@code offset} option, end is a size counted from begin.
 *
 * <p>2.6.2 itself refuses ellipsis and new-axis masks and does not know {@code offset}; those follow
 * TensorFlow and later TensorFlow Lite here. Where 2.6.2 misbehaves (a shrunk axis with end_mask set
 * or a negative stride writes past the output or nothing), a shrunk axis always keeps exactly the
 * element at begin, and one whose begin falls outside the axis is refused.
 */
final class StridedSliceSpec {
  /** One output axis before shrinking: the input axis it walks (-1 for a new axis) and how. */
  record Axis(int inputAxis, int start, int count, int stride, boolean shrink) {}

  private final List<Axis> axes;

  private StridedSliceSpec(List<Axis> axes) {
    this.axes = axes;
  }

  /** Why a spec is invalid, for the caller to report against its operator. */
  static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }

  /** The masks of StridedSliceOptions. */
  record Masks(int begin, int end, int ellipsis, int newAxis, int shrink, boolean offset) {
    boolean has(int mask, int entry) {
      return (mask & (1 << entry)) != 0;
    }
  }

  /**
   * Resolves the entries against an input shape. With {@code begin} null (offset mode before the
   * values are known), starts are 0 and only the counts implied by {@code end} are meaningful.
   */
  static StridedSliceSpec resolve(int[] inputDims, int[] begin, int[] end, int[] strides, Masks m)
      throws Problem {
    int entries = end.length;
    if (strides.length != entries || (begin != null && begin.length != entries)) {
      throw new Problem("has begin, end and strides of different lengths");
    }
    if (entries > 31) {
      throw new Problem("has " + entries + " index entries, more than its 32-bit masks can describe");
    }
    if (Integer.bitCount(m.ellipsis() & ((1 << entries) - 1)) > 1) {
      throw new Problem("has more than one ellipsis in ellipsis_mask " + m.ellipsis());
    }
    int ranges = 0;
    for (int i = 0; i < entries; i++) {
      if (!m.has(m.ellipsis(), i) && !m.has(m.newAxis(), i)) {
        ranges++;
      }
    }
    int rank = inputDims.length;
    if (ranges > rank) {
      throw new Problem("has " + ranges + " index ranges for an input of rank " + rank);
    }
    List<Axis> axes = new ArrayList<>();
    int inputAxis = 0;
    boolean sawEllipsis = false;
    for (int i = 0; i < entries; i++) {
      if (m.has(m.ellipsis(), i)) {
        sawEllipsis = true;
        for (int k = 0; k < rank - ranges; k++, inputAxis++) {
          axes.add(new Axis(inputAxis, 0, inputDims[inputAxis], 1, false));
        }
      } else if (m.has(m.newAxis(), i)) {
        axes.add(new Axis(-1, 0, 1, 1, false));
      } else {
        axes.add(range(inputAxis, inputDims[inputAxis], begin == null ? 0 : begin[i], end[i], strides[i], i, m,
            begin == null));
        inputAxis++;
      }
    }
    if (!sawEllipsis) {
      for (; inputAxis < rank; inputAxis++) {
        axes.add(new Axis(inputAxis, 0, inputDims[inputAxis], 1, false));
      }
    }
    return new StridedSliceSpec(axes);
  }

  private static Axis range(int inputAxis, int size, int begin, int end, int stride, int entry, Masks m,
      boolean countFromEndOnly) throws Problem {
    if (stride == 0) {
      throw new Problem("has stride 0 in index entry " + entry);
    }
    boolean shrink = m.has(m.shrink(), entry);
    if (countFromEndOnly) {
      int count = shrink ? 1 : Math.max(0, ceilDiv(end, stride));
      return new Axis(inputAxis, 0, count, stride, shrink);
    }
    int start = start(size, begin, stride, m.has(m.begin(), entry));
    if (shrink) {
      // One element at begin, whatever end and end_mask say, as in TensorFlow Lite. Where begin
      // clamps to just outside the axis, 2.6.2 reads past the input; that is refused here.
      if (start < 0 || start >= size) {
        throw new Problem("shrinks axis " + inputAxis + " (size " + size + ") to index " + begin
            + ", which is outside it");
      }
      return new Axis(inputAxis, start, 1, stride, true);
    }
    int stop = stop(size, m.offset() ? end + start : end, stride, m.has(m.end(), entry));
    int count = stride > 0 ? ceilDiv(stop - start, stride) : ceilDiv(start - stop, -stride);
    return new Axis(inputAxis, start, Math.max(0, count), stride, false);
  }

  private static int start(int size, int begin, int stride, boolean masked) {
    if (size == 0) {
      return 0;
    }
    long s = masked ? (stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE) : begin;
    if (s < 0) {
      s += size;
    }
    return stride > 0 ? (int) Math.max(0, Math.min(s, size)) : (int) Math.max(-1, Math.min(s, size - 1));
  }

  private static int stop(int size, int end, int stride, boolean masked) {
    if (size == 0) {
      return 0;
    }
    long e = masked ? (stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE) : end;
    if (e < 0) {
      e += size;
    }
    return stride > 0 ? (int) Math.max(0, Math.min(e, size)) : (int) Math.max(-1, Math.min(e, size - 1));
  }

  private static int ceilDiv(long a, long b) {
    return (int) -Math.floorDiv(-a, b);
  }

  /** The output shape: every axis but the shrunk ones. */
  int[] outputShape() {
    return axes.stream().filter(a -> !a.shrink()).mapToInt(Axis::count).toArray();
  }

  /** The copy plan over an input with these row-major strides. */
  AxisGather plan(int[] inputStrides) {
    int[][] tables = new int[axes.size()][];
    for (int k = 0; k < tables.length; k++) {
      Axis a = axes.get(k);
      tables[k] = a.inputAxis() < 0 ? new int[1]
          : AxisGather.linear(a.count(), a.start(), a.stride(), inputStrides[a.inputAxis()]);
    }
    return new AxisGather(tables);
  }
}
