package dev.litequant.graph;

import dev.litequant.flatbuf.Table;
import java.util.Arrays;
import java.util.Objects;

/**
 * Immutable quantization parameters of a tensor: {@code real = (q - zero_point) * scale}, per
 * tensor (one scale) or per axis (one scale per slice along {@link #axis()}). May also carry the
 * min/max a converter recorded, or custom quantization details.
 */
public final class Quantization {
  private static final float[] NO_FLOATS = new float[0];
  private static final long[] NO_LONGS = new long[0];

  private final float[] scales;
  private final long[] zeroPoints;
  private final float[] min;
  private final float[] max;
  private final int axis;
  private final Table details;

  private Quantization(float[] scales, long[] zeroPoints, float[] min, float[] max, int axis, Table details) {
    this.scales = scales;
    this.zeroPoints = zeroPoints;
    this.min = min;
    this.max = max;
    this.axis = axis;
    this.details = details;
  }

  /** One scale and zero point for the whole tensor. */
  public static Quantization perTensor(float scale, long zeroPoint) {
    return new Quantization(new float[] {scale}, new long[] {zeroPoint}, NO_FLOATS, NO_FLOATS, 0, null);
  }

  /** One scale and zero point per slice along {@code axis}. */
  public static Quantization perAxis(float[] scales, long[] zeroPoints, int axis) {
    if (scales.length != zeroPoints.length) {
      throw new IllegalArgumentException(
          scales.length + " scales but " + zeroPoints.length + " zero points");
    }
    if (axis < 0) {
      throw new IllegalArgumentException("negative quantized dimension " + axis);
    }
    return new Quantization(scales.clone(), zeroPoints.clone(), NO_FLOATS, NO_FLOATS, axis, null);
  }

  /** Everything a file can hold; null arrays mean empty. */
  public static Quantization of(
      float[] scales, long[] zeroPoints, float[] min, float[] max, int axis, Table details) {
    return new Quantization(
        scales == null ? NO_FLOATS : scales.clone(),
        zeroPoints == null ? NO_LONGS : zeroPoints.clone(),
        min == null ? NO_FLOATS : min.clone(),
        max == null ? NO_FLOATS : max.clone(),
        axis,
        details);
  }

  /** A copy carrying the given recorded range (the converter's min/max fields). */
  public Quantization withMinMax(float[] newMin, float[] newMax) {
    return new Quantization(scales, zeroPoints, newMin.clone(), newMax.clone(), axis, details);
  }

  /** Whether nothing at all is recorded. */
  public boolean isEmpty() {
    return scales.length == 0 && zeroPoints.length == 0 && min.length == 0 && max.length == 0 && details == null;
  }

  /** Whether there is at least one scale, i.e. the tensor is really quantized. */
  public boolean hasScale() {
    return scales.length > 0;
  }

  /** Whether there is more than one scale (TensorFlow Lite treats one scale as per tensor). */
  public boolean isPerAxis() {
    return scales.length > 1;
  }

  public int scaleCount() {
    return scales.length;
  }

  /** The single scale of a per-tensor quantization. */
  public float scale() {
    if (scales.length != 1) {
      throw new IllegalStateException("not per-tensor: " + this);
    }
    return scales[0];
  }

  /** The single zero point of a per-tensor quantization (0 when the file omits it). */
  public long zeroPoint() {
    if (scales.length != 1) {
      throw new IllegalStateException("not per-tensor: " + this);
    }
    return zeroPoints.length == 0 ? 0 : zeroPoints[0];
  }

  public float scale(int i) {
    return scales[i];
  }

  public long zeroPoint(int i) {
    return zeroPoints.length == 0 ? 0 : zeroPoints[i];
  }

  public float[] scales() {
    return scales.clone();
  }

  public long[] zeroPoints() {
    return zeroPoints.clone();
  }

  public float[] min() {
    return min.clone();
  }

  public float[] max() {
    return max.clone();
  }

  /** The quantized dimension (meaningful for per-axis parameters). */
  public int axis() {
    return axis;
  }

  /** Custom quantization details, or null. */
  public Table details() {
    return details;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantization q
        && Arrays.equals(scales, q.scales)
        && Arrays.equals(zeroPoints, q.zeroPoints)
        && Arrays.equals(min, q.min)
        && Arrays.equals(max, q.max)
        && axis == q.axis
        && Objects.equals(details, q.details);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(scales), Arrays.hashCode(zeroPoints), axis);
  }

  @Override
  public String toString() {
    if (details != null) {
      return "custom " + details.typeName();
    }
    if (scales.length == 0) {
      return min.length > 0 ? "range " + Arrays.toString(min) + ".." + Arrays.toString(max) : "none";
    }
    if (scales.length == 1) {
      return "scale " + scales[0] + " zero point " + zeroPoint();
    }
    return "per-axis (axis " + axis + ", " + scales.length + " scales)";
  }
}
