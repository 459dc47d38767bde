package dev.litequant.runtime;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import java.util.Arrays;

/**
 * A tensor as the interpreter holds it: its current shape and the array that stores its elements.
 * Several tensors with disjoint lifetimes may share one array (memory planning), so kernels fetch
 * the array in {@code run()} rather than keeping it from preparation.
 */
public final class RuntimeTensor implements TensorView {
  private final Tensor desc;
  private final int index;
  private final DataType type;
  private final StorageKind kind;
  private int[] shape;
  private int size;
  private Object data;
  private boolean known;

  RuntimeTensor(Tensor desc, int index) {
    this.desc = desc;
    this.index = index;
    this.type = desc.type();
    this.kind = StorageKind.of(type);
    this.shape = desc.shape().dims();
    this.size = elementCount(shape);
  }

  /** A free-standing tensor (for tests and for kernels that need scratch tensors). */
  public static RuntimeTensor standalone(Tensor desc) {
    RuntimeTensor t = new RuntimeTensor(desc, -1);
    t.bind(t.kind.allocate(Math.max(1, t.size)));
    return t;
  }

  @Override
  public Tensor tensor() {
    return desc;
  }

  @Override
  public int index() {
    return index;
  }

  public String name() {
    return desc.name();
  }

  @Override
  public DataType type() {
    return type;
  }

  public StorageKind kind() {
    return kind;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The shape without a copy; callers must not modify it. */
  public int[] dims() {
    return shape;
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  @Override
  public int size() {
    return size;
  }

  public Quantization quantization() {
    return desc.quantization();
  }

  /** Whether the values are fixed before the first run (constants and folded results). */
  public boolean isKnown() {
    return known;
  }

  void markKnown() {
    known = true;
  }

  void setShape(int[] dims) {
    this.shape = dims.clone();
    this.size = elementCount(this.shape);
  }

  void bind(Object array) {
    this.data = array;
  }

  boolean isBound() {
    return data != null;
  }

  Object data() {
    return data;
  }

  public float[] floats() {
    return (float[]) data;
  }

  public int[] ints() {
    return (int[]) data;
  }

  public long[] longs() {
    return (long[]) data;
  }

  public byte[] bytes() {
    return (byte[]) data;
  }

  public short[] shorts() {
    return (short[]) data;
  }

  @Override
  public float[] floatArray() {
    return floats();
  }

  @Override
  public float getFloat(int i) {
    return switch (kind) {
      case FLOAT -> floats()[i];
      case INT -> ints()[i];
      case LONG -> longs()[i];
      case BYTE -> type == DataType.UINT8 ? bytes()[i] & 0xFF : bytes()[i];
      case SHORT -> type == DataType.UINT16 ? shorts()[i] & 0xFFFF
          : type == DataType.FLOAT16 ? Float16.toFloat(shorts()[i]) : shorts()[i];
    };
  }

  /** Element {@code i} of an integer tensor (int8/16/32/64, bool), for index and shape inputs. */
  public long getLong(int i) {
    return switch (kind) {
      case INT -> ints()[i];
      case LONG -> longs()[i];
      case BYTE -> type == DataType.UINT8 ? bytes()[i] & 0xFF : bytes()[i];
      case SHORT -> type == DataType.UINT16 ? shorts()[i] & 0xFFFF : shorts()[i];
      case FLOAT -> throw new IllegalStateException(this + " is not an integer tensor");
    };
  }

  static int elementCount(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return (int) n;
  }

  /** The shape as an immutable description. */
  public Shape shapeDescription() {
    return Shape.of(shape);
  }

  @Override
  public String toString() {
    return "tensor " + index + " '" + desc.name() + "' " + type.displayName() + Arrays.toString(shape);
  }
}
