package dev.litequant.runtime.kernels;

/**
 * A copy plan, computed when an operator is prepared, that writes a whole output in row-major
 * order while each output axis reads the source through its own offset table:
 * {@code out[i0, ..., ik] = src[table0[i0] + ... + tablek[ik]]}, or the pad value where any table
 * entry is {@link #PAD}.
 *
 * <p>Transposes, slices (any stride, either sign), tiles, broadcasts, reversals, paddings (constant
 * or mirrored) and space/depth rearrangements are all such gathers, so they share this one loop.
 * The tables together hold one entry per position of each axis, not one per element. Along the
 * last axis, positions that read consecutive source elements are merged into runs, each moved with
 * one {@link System#arraycopy}, which also keeps the plan independent of the element type.
 */
final class AxisGather {
  /** A table entry meaning "the pad value", not a source element. */
  static final int PAD = -1;

  private final int[][] tables;
  private final int size;
  private final int innerLength;
  private final int[] runStart;
  private final int[] runLength;
  private final int[] runSource;

  /** A plan whose output has one axis per table, of the table's length. */
  AxisGather(int[][] tables) {
    this.tables = tables;
    int n = 1;
    for (int[] t : tables) {
      n *= t.length;
    }
    this.size = n;
    int[] last = tables.length == 0 ? new int[] {0} : tables[tables.length - 1];
    this.innerLength = last.length;
    int runs = 0;
    for (int p = 0; p < last.length; p++) {
      if (p == 0 || !continues(last[p - 1], last[p])) {
        runs++;
      }
    }
    runStart = new int[runs];
    runLength = new int[runs];
    runSource = new int[runs];
    int r = -1;
    for (int p = 0; p < last.length; p++) {
      if (p == 0 || !continues(last[p - 1], last[p])) {
        r++;
        runStart[r] = p;
        runSource[r] = last[p];
      }
      runLength[r]++;
    }
  }

  /** Whether offset {@code next} extends a run ending at {@code previous}. */
  private static boolean continues(int previous, int next) {
    return previous == PAD ? next == PAD : next != PAD && next == previous + 1;
  }

  /** An offset table for an axis whose position {@code p} reads source index {@code start + p * step}. */
  static int[] linear(int count, int start, int step, int sourceStride) {
    int[] t = new int[count];
    for (int p = 0; p < count; p++) {
      t[p] = (start + p * step) * sourceStride;
    }
    return t;
  }

  /** Elements written. */
  int size() {
    return size;
  }

  /** Length of the last axis: a pad row must hold at least this many pad values. */
  int innerLength() {
    return innerLength;
  }

  /** Writes {@code dst[0, size)} from {@code src}; {@code padRow} is needed only when tables hold PAD. */
  void copy(Object src, Object dst, Object padRow) {
    if (size == 0) {
      return;
    }
    int rank = tables.length;
    if (rank == 0) {
      System.arraycopy(src, 0, dst, 0, 1);
      return;
    }
    int outerRank = rank - 1;
    int[] position = new int[outerRank];
    int rows = size / innerLength;
    int dstPos = 0;
    for (int row = 0; row < rows; row++) {
      int base = 0;
      boolean padded = false;
      for (int d = 0; d < outerRank; d++) {
        int offset = tables[d][position[d]];
        if (offset == PAD) {
          padded = true;
          break;
        }
        base += offset;
      }
      if (padded) {
        System.arraycopy(padRow, 0, dst, dstPos, innerLength);
      } else {
        for (int r = 0; r < runStart.length; r++) {
          if (runSource[r] == PAD) {
            System.arraycopy(padRow, 0, dst, dstPos + runStart[r], runLength[r]);
          } else {
            System.arraycopy(src, base + runSource[r], dst, dstPos + runStart[r], runLength[r]);
          }
        }
      }
      dstPos += innerLength;
      for (int d = outerRank - 1; d >= 0; d--) {
        if (++position[d] < tables[d].length) {
          break;
        }
        position[d] = 0;
      }
    }
  }
}
