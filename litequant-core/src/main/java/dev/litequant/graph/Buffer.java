package dev.litequant.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Immutable constant data of one or more tensors. Identity matters: tensors that share a {@code
 * Buffer} object share one buffer in the written file.
 */
public final class Buffer {
  private final byte[] data;

  private Buffer(byte[] data) {
    this.data = data;
  }

  public static Buffer copyOf(byte[] bytes) {
    return new Buffer(bytes.clone());
  }

  /** Copies the remaining bytes of {@code bytes} without moving its position. */
  public static Buffer copyOf(ByteBuffer bytes) {
    byte[] a = new byte[bytes.remaining()];
    bytes.duplicate().get(a);
    return new Buffer(a);
  }

  public static Buffer empty() {
    return new Buffer(new byte[0]);
  }

  public static Buffer ofFloats(float... values) {
    ByteBuffer b = allocate(values.length * 4L);
    b.asFloatBuffer().put(values);
    return new Buffer(b.array());
  }

  public static Buffer ofInts(int... values) {
    ByteBuffer b = allocate(values.length * 4L);
    b.asIntBuffer().put(values);
    return new Buffer(b.array());
  }

  public static Buffer ofLongs(long... values) {
    ByteBuffer b = allocate(values.length * 8L);
    b.asLongBuffer().put(values);
    return new Buffer(b.array());
  }

  public static Buffer ofShorts(short... values) {
    ByteBuffer b = allocate(values.length * 2L);
    b.asShortBuffer().put(values);
    return new Buffer(b.array());
  }

  private static ByteBuffer allocate(long size) {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("buffer of " + size + " bytes is too large");
    }
    return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  /** A read-only little-endian view of the data. */
  public ByteBuffer view() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  public byte[] toByteArray() {
    return data.clone();
  }

  /** Whether both buffers hold the same bytes (identity is what {@code ==} compares). */
  public boolean contentEquals(Buffer other) {
    return other != null && java.util.Arrays.equals(data, other.data);
  }

  @Override
  public String toString() {
    return "Buffer(" + data.length + " bytes)";
  }
}
