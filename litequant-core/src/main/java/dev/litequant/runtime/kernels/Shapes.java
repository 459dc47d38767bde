package dev.litequant.runtime.kernels;

import java.util.Arrays;

/** Shape arithmetic shared by kernels: element counts, strides and numpy-style broadcasting. */
public final class Shapes {
  private Shapes() {}

  public static int size(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** Row-major strides in elements. */
  public static int[] strides(int[] dims) {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** The broadcast shape of two shapes, or null when they are not compatible. */
  public static int[] broadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        return null;
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /**
   * For each element of {@code out} (row-major), the flat index of the element of {@code in} it
   * reads under broadcasting ({@code in} padded on the left with 1s).
   */
  public static int[] broadcastIndex(int[] in, int[] out) {
    int rank = out.length;
    int[] padded = new int[rank];
    Arrays.fill(padded, 1);
    System.arraycopy(in, 0, padded, rank - in.length, in.length);
    int[] inStrides = strides(padded);
    for (int i = 0; i < rank; i++) {
      if (padded[i] == 1) {
        inStrides[i] = 0;
      }
    }
    int n = size(out);
    int[] map = new int[n];
    int[] idx = new int[rank];
    int src = 0;
    for (int k = 0; k < n; k++) {
      map[k] = src;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        src += inStrides[d];
        if (idx[d] < out[d]) {
          break;
        }
        src -= inStrides[d] * idx[d];
        idx[d] = 0;
      }
    }
    return map;
  }

  public static String str(int[] dims) {
    return Arrays.toString(dims);
  }
}
