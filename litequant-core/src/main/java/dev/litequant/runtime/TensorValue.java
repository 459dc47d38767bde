package dev.litequant.runtime;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable array of tensor values with its type and shape: what goes into and comes out of an
 * {@link Interpreter}. The data is copied in and out.
 */
public final class TensorValue {
  private final DataType type;
  private final Shape shape;
  private final Object data;

  private TensorValue(DataType type, Shape shape, Object data) {
    this.type = type;
    this.shape = shape;
    this.data = data;
    StorageKind kind = StorageKind.of(type);
    if (kind == null) {
      throw new InvalidArgumentException("LiteQuant's interpreter cannot hold " + type.displayName() + " values.");
    }
    long n = shape.elementCount();
    if (n != StorageKind.length(data)) {
      throw new InvalidArgumentException("A " + type.displayName() + " value of shape " + shape + " needs " + n
          + " elements, but " + StorageKind.length(data) + " were given.");
    }
  }

  public static TensorValue ofFloats(Shape shape, float... values) {
    return new TensorValue(DataType.FLOAT32, shape, values.clone());
  }

  public static TensorValue ofInts(Shape shape, int... values) {
    return new TensorValue(DataType.INT32, shape, values.clone());
  }

  public static TensorValue ofLongs(Shape shape, long... values) {
    return new TensorValue(DataType.INT64, shape, values.clone());
  }

  /** int8, uint8 or bool values. */
  public static TensorValue ofBytes(DataType type, Shape shape, byte... values) {
    requireKind(type, StorageKind.BYTE);
    return new TensorValue(type, shape, values.clone());
  }

  /** int16, uint16 or float16 (raw bits) values. */
  public static TensorValue ofShorts(DataType type, Shape shape, short... values) {
    requireKind(type, StorageKind.SHORT);
    return new TensorValue(type, shape, values.clone());
  }

  /** Values from raw little-endian bytes, as stored in files and buffers. */
  public static TensorValue fromBytes(DataType type, Shape shape, byte[] littleEndian) {
    StorageKind kind = StorageKind.of(type);
    if (kind == null) {
      throw new InvalidArgumentException("LiteQuant's interpreter cannot hold " + type.displayName() + " values.");
    }
    long n = shape.elementCount();
    long need = type.bytesFor(n);
    if (need != littleEndian.length) {
      throw new InvalidArgumentException("A " + type.displayName() + " value of shape " + shape + " needs " + need
          + " bytes, but " + littleEndian.length + " were given.");
    }
    ByteBuffer b = ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN);
    Object data = kind.allocate((int) n);
    switch (kind) {
      case FLOAT -> b.asFloatBuffer().get((float[]) data);
      case INT -> b.asIntBuffer().get((int[]) data);
      case LONG -> b.asLongBuffer().get((long[]) data);
      case SHORT -> b.asShortBuffer().get((short[]) data);
      case BYTE -> b.get((byte[]) data);
    }
    return new TensorValue(type, shape, data);
  }

  /** Takes ownership of an array of the right storage kind (runtime-internal). */
  static TensorValue adopt(DataType type, Shape shape, Object data) {
    return new TensorValue(type, shape, data);
  }

  private static void requireKind(DataType type, StorageKind kind) {
    if (StorageKind.of(type) != kind) {
      throw new InvalidArgumentException(type.displayName() + " values are not stored as " + kind);
    }
  }

  public DataType type() {
    return type;
  }

  public Shape shape() {
    return shape;
  }

  public int size() {
    return StorageKind.length(data);
  }

  public float[] floats() {
    return ((float[]) as(StorageKind.FLOAT)).clone();
  }

  public int[] ints() {
    return ((int[]) as(StorageKind.INT)).clone();
  }

  public long[] longs() {
    return ((long[]) as(StorageKind.LONG)).clone();
  }

  public byte[] bytes() {
    return ((byte[]) as(StorageKind.BYTE)).clone();
  }

  public short[] shorts() {
    return ((short[]) as(StorageKind.SHORT)).clone();
  }

  /** Element {@code i} widened to float (unsigned types as unsigned, float16 decoded). */
  public float getFloat(int i) {
    return switch (StorageKind.of(type)) {
      case FLOAT -> ((float[]) data)[i];
      case INT -> ((int[]) data)[i];
      case LONG -> ((long[]) data)[i];
      case BYTE -> type == DataType.UINT8 ? ((byte[]) data)[i] & 0xFF : ((byte[]) data)[i];
      case SHORT -> type == DataType.UINT16 ? ((short[]) data)[i] & 0xFFFF
          : type == DataType.FLOAT16 ? Float16.toFloat(((short[]) data)[i]) : ((short[]) data)[i];
    };
  }

  /** All elements widened to float. */
  public float[] toFloats() {
    float[] out = new float[size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = getFloat(i);
    }
    return out;
  }

  /** The raw little-endian bytes. */
  public byte[] toBytes() {
    int n = size();
    ByteBuffer b = ByteBuffer.allocate((int) type.bytesFor(n)).order(ByteOrder.LITTLE_ENDIAN);
    switch (StorageKind.of(type)) {
      case FLOAT -> b.asFloatBuffer().put((float[]) data);
      case INT -> b.asIntBuffer().put((int[]) data);
      case LONG -> b.asLongBuffer().put((long[]) data);
      case SHORT -> b.asShortBuffer().put((short[]) data);
      case BYTE -> b.put((byte[]) data);
    }
    return b.array();
  }

  /** Copies the values into a runtime tensor's array (package-internal). */
  void copyInto(Object target) {
    System.arraycopy(data, 0, target, 0, size());
  }

  private Object as(StorageKind kind) {
    if (StorageKind.of(type) != kind) {
      throw new IllegalStateException(type.displayName() + " values are not stored as " + kind);
    }
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorValue v && v.type == type && v.shape.equals(shape)
        && Objects.deepEquals(new Object[] {data}, new Object[] {v.data});
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, shape);
  }

  @Override
  public String toString() {
    String values = switch (StorageKind.of(type)) {
      case FLOAT -> Arrays.toString(Arrays.copyOf((float[]) data, Math.min(8, size())));
      case INT -> Arrays.toString(Arrays.copyOf((int[]) data, Math.min(8, size())));
      case LONG -> Arrays.toString(Arrays.copyOf((long[]) data, Math.min(8, size())));
      case BYTE -> Arrays.toString(Arrays.copyOf((byte[]) data, Math.min(8, size())));
      case SHORT -> Arrays.toString(Arrays.copyOf((short[]) data, Math.min(8, size())));
    };
    return type.displayName() + shape + " " + values + (size() > 8 ? "..." : "");
  }
}
