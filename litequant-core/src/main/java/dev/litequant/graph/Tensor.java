package dev.litequant.graph;

import dev.litequant.flatbuf.Table;
import java.util.List;
import java.util.Objects;

/**
 * A tensor of a subgraph: its description (name, type, shape, quantization) and, for constants,
 * its data. Mutable so that quantization passes can retype it in place; operators and signatures
 * refer to tensors by identity, and indices are assigned only when the model is written.
 */
public final class Tensor {
  private String name;
  private DataType type;
  private Shape shape;
  private Shape shapeSignature;
  private Quantization quantization;
  private Buffer buffer;
  private boolean variable;
  private boolean hasRank;
  private Table sparsity;
  private List<Table> variantTensors = List.of();

  public Tensor(String name, DataType type, Shape shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.shape = Objects.requireNonNull(shape, "shape");
  }

  /** A copy of every field; the buffer is shared, not copied (buffers are immutable). */
  public Tensor copy() {
    Tensor t = new Tensor(name, type, shape);
    t.shapeSignature = shapeSignature;
    t.quantization = quantization;
    t.buffer = buffer;
    t.variable = variable;
    t.hasRank = hasRank;
    t.sparsity = sparsity;
    t.variantTensors = variantTensors;
    return t;
  }

  public String name() {
    return name;
  }

  public Tensor setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  public DataType type() {
    return type;
  }

  public Tensor setType(DataType type) {
    this.type = Objects.requireNonNull(type, "type");
    return this;
  }

  public Shape shape() {
    return shape;
  }

  public Tensor setShape(Shape shape) {
    this.shape = Objects.requireNonNull(shape, "shape");
    return this;
  }

  /** The shape with -1 for dimensions known only at run time, or null when the file has none. */
  public Shape shapeSignature() {
    return shapeSignature;
  }

  public Tensor setShapeSignature(Shape shapeSignature) {
    this.shapeSignature = shapeSignature;
    return this;
  }

  /** Quantization parameters, or null for a tensor that has none. */
  public Quantization quantization() {
    return quantization;
  }

  public Tensor setQuantization(Quantization quantization) {
    this.quantization = quantization == null || quantization.isEmpty() ? null : quantization;
    return this;
  }

  /** Whether the tensor has a scale, i.e. holds quantized values. */
  public boolean isQuantized() {
    return quantization != null && quantization.hasScale();
  }

  /** The constant data, or null for a tensor computed at run time. */
  public Buffer buffer() {
    return buffer;
  }

  public Tensor setBuffer(Buffer buffer) {
    this.buffer = buffer;
    return this;
  }

  /** Whether the tensor holds constant data (a non-empty buffer). */
  public boolean isConstant() {
    return buffer != null && !buffer.isEmpty();
  }

  public boolean isVariable() {
    return variable;
  }

  public Tensor setVariable(boolean variable) {
    this.variable = variable;
    return this;
  }

  /** The schema's has_rank flag (distinguishes a scalar from a tensor of unknown rank). */
  public boolean hasRank() {
    return hasRank;
  }

  public Tensor setHasRank(boolean hasRank) {
    this.hasRank = hasRank;
    return this;
  }

  /** Sparsity parameters ({@code SparsityParameters} table), or null for a dense tensor. */
  public Table sparsity() {
    return sparsity;
  }

  public Tensor setSparsity(Table sparsity) {
    this.sparsity = sparsity;
    return this;
  }

  /** Nested types of a VARIANT tensor ({@code VariantSubType} tables). */
  public List<Table> variantTensors() {
    return variantTensors;
  }

  public Tensor setVariantTensors(List<Table> variantTensors) {
    this.variantTensors = List.copyOf(variantTensors);
    return this;
  }

  /** Bytes the tensor's data occupies, or -1 for variable-size types. */
  public long byteSize() {
    long n = shape.elementCount();
    return n < 0 ? -1 : type.bytesFor(n);
  }

  @Override
  public String toString() {
    return "'" + name + "' " + type.displayName() + shape;
  }
}
