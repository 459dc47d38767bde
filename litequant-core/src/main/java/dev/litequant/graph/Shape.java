package dev.litequant.graph;

import java.util.Arrays;

/**
 * An immutable tensor shape. Dimensions are non-negative, except that a shape signature may use -1
 * for a dimension only known at run time.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /** A shape with the given dimensions (each >= -1). */
  public static Shape of(int... dims) {
    for (int d : dims) {
      if (d < -1) {
        throw new IllegalArgumentException("negative dimension " + d + " in " + Arrays.toString(dims));
      }
    }
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  public static Shape scalar() {
    return SCALAR;
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Whether every dimension is known (no -1). */
  public boolean isFullyDefined() {
    for (int d : dims) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Number of elements, or -1 when a dimension is unknown; saturates at {@link Long#MAX_VALUE}
   * rather than overflowing for absurd shapes.
   */
  public long elementCount() {
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        return -1;
      }
      if (d != 0 && n > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  /** A copy with one dimension replaced. */
  public Shape withDim(int axis, int value) {
    int[] d = dims.clone();
    d[axis] = value;
    return of(d);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
