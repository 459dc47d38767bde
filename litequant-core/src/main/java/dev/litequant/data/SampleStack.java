package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Samples stacked along the first axis of one array, the way data sets are kept in {@code .npy}
 * files, cut into values of the shape a model input takes; and the reverse, {@link #stack} for
 * per-sample outputs.
 *
 * <p>An array with exactly as many elements as one sample is that sample, whatever its dimensions
 * (a [28, 28] image for a [1, 28, 28, 1] input). Otherwise its first axis counts the samples and
 * the remaining dimensions must hold one sample's elements (a [N, 28, 28, 1] array for the same
 * input holds N samples).
 */
public final class SampleStack implements InputSamples {
  private final TensorValue data;
  private final Shape sampleShape;
  private final int count;
  private final boolean stacked;
  private byte[] raw;

  private SampleStack(TensorValue data, Shape sampleShape, int count, boolean stacked) {
    this.data = data;
    this.sampleShape = sampleShape;
    this.count = count;
    this.stacked = stacked;
  }

  /**
   * Splits {@code data} into samples of {@code sampleShape}; {@code what} names the data in the
   * error for a shape that fits neither way (e.g. {@code "x.npy (for input 'image')"}).
   */
  public static SampleStack split(TensorValue data, Shape sampleShape, String what) {
    long sampleSize = sampleShape.elementCount();
    int size = data.size();
    if (size == sampleSize) {
      return new SampleStack(data, sampleShape, 1, false);
    }
    int[] dims = data.shape().dims();
    if (dims.length >= 1 && sampleSize > 0 && dims[0] > 0 && size / dims[0] == sampleSize) {
      return new SampleStack(data, sampleShape, dims[0], true);
    }
    throw new InvalidArgumentException(what + " has shape " + data.shape() + " (" + values(size) + "), but the "
        + "input takes shape " + sampleShape + " (" + values(sampleSize) + "): give one sample of "
        + values(sampleSize) + ", or N samples stacked along the first axis ([N, ...] with " + values(sampleSize)
        + " each).");
  }

  private static String values(long n) {
    return n + (n == 1 ? " value" : " values");
  }

  /** How many samples the data holds. */
  @Override
  public int count() {
    return count;
  }

  /** Whether the first axis counted samples (false: the whole array was one sample). */
  public boolean isStacked() {
    return stacked;
  }

  /** Sample {@code i}, with the sample shape. */
  @Override
  public TensorValue sample(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("sample " + i + " of " + count);
    }
    if (raw == null) {
      raw = data.toBytes();
    }
    int bytes = raw.length / count;
    return TensorValue.fromBytes(data.type(), sampleShape, Arrays.copyOfRange(raw, i * bytes, (i + 1) * bytes));
  }

  /**
   * Stacks values of one type and shape along the first axis: a leading dimension of 1 (a batch of
   * one) becomes the sample count, otherwise a new first axis is added; so sample {@code i} is
   * always {@code result[i]}.
   */
  public static TensorValue stack(List<TensorValue> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("nothing to stack");
    }
    TensorValue first = samples.get(0);
    for (TensorValue v : samples) {
      if (v.type() != first.type() || !v.shape().equals(first.shape())) {
        throw new IllegalArgumentException("cannot stack " + v.type() + v.shape() + " on " + first.type()
            + first.shape());
      }
    }
    int[] dims = first.shape().dims();
    int[] out;
    if (dims.length > 0 && dims[0] == 1) {
      out = dims.clone();
      out[0] = samples.size();
    } else {
      out = new int[dims.length + 1];
      out[0] = samples.size();
      System.arraycopy(dims, 0, out, 1, dims.length);
    }
    long total = first.type().bytesFor(first.size()) * samples.size();
    if ((long) first.size() * samples.size() > Integer.MAX_VALUE || total > Integer.MAX_VALUE - 8) {
      throw new InvalidArgumentException(samples.size() + " samples of " + first.type().displayName()
          + first.shape() + " are too many to hold in one array.");
    }
    ByteBuffer b = ByteBuffer.allocate((int) total);
    for (TensorValue v : samples) {
      b.put(v.toBytes());
    }
    return TensorValue.fromBytes(first.type(), Shape.of(out), b.array());
  }
}
