package dev.litequant.io;

import dev.litequant.InvalidArgumentException;
import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.FlatBufferDecoder;
import dev.litequant.flatbuf.Table;
import dev.litequant.flatbuf.TfLiteSchema;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Metadata;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelValidator;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code .tflite} file into a {@link Model}: decodes and verifies the flatbuffer, resolves
 * every index into object references, and validates the resulting graph. Any problem is reported as
 * a {@link dev.litequant.LiteQuantException} naming what is wrong and where.
 */
public final class ModelReader {
  private final byte[] file;
  private final List<Table> opcodes;
  private final List<Table> bufferTables;
  private final Buffer[] buffers;

  private ModelReader(byte[] file, Table root) {
    this.file = file;
    this.opcodes = orEmpty(root.getTables("operator_codes"));
    this.bufferTables = orEmpty(root.getTables("buffers"));
    this.buffers = new Buffer[bufferTables.size()];
  }

  /** Reads a model from a file. */
  public static Model read(Path path) {
    return read(readFile(path, "model"));
  }

  /** Reads a model from the bytes of a {@code .tflite} file. */
  public static Model read(byte[] bytes) {
    Table root = FlatBufferDecoder.decode(bytes, TfLiteSchema.SCHEMA, "Model", TfLiteSchema.FILE_IDENTIFIER);
    Model model = new ModelReader(bytes, root).toModel(root);
    ModelValidator.validate(model);
    return model;
  }

  /** Reads a whole file, with user-facing errors for the usual ways that fails. */
  static byte[] readFile(Path path, String what) {
    try {
      long size = Files.size(path);
      if (size > Integer.MAX_VALUE - 8) {
        throw new UnsupportedModelException(
            "The " + what + " file " + path + " is " + size + " bytes; LiteQuant reads files of up to 2 GB.");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException("The " + what + " file " + path + " does not exist.");
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot read the " + what + " file " + path + ": " + e.getMessage(), e);
    }
  }

  private Model toModel(Table root) {
    Model model = new Model();
    model.setVersion(root.getLong("version"));
    model.setDescription(root.getString("description"));
    List<Table> subgraphs = orEmpty(root.getTables("subgraphs"));
    for (int s = 0; s < subgraphs.size(); s++) {
      model.subgraphs().add(toSubgraph(subgraphs.get(s), s));
    }
    List<Table> metadata = orEmpty(root.getTables("metadata"));
    for (int i = 0; i < metadata.size(); i++) {
      Table m = metadata.get(i);
      String name = m.getString("name");
      Buffer b = buffer(m.getLong("buffer"), "metadata " + i + " '" + name + "'");
      model.metadata().add(new Metadata(name, b == null ? Buffer.empty() : b));
    }
    int[] metadataBuffer = root.getIntArray("metadata_buffer");
    if (metadataBuffer != null) {
      for (int i = 0; i < metadataBuffer.length; i++) {
        Buffer b = buffer(metadataBuffer[i] & 0xFFFFFFFFL, "metadata_buffer entry " + i);
        model.metadataBuffers().add(b == null ? Buffer.empty() : b);
      }
    }
    List<Table> signatures = orEmpty(root.getTables("signature_defs"));
    for (int i = 0; i < signatures.size(); i++) {
      model.signatures().add(toSignature(signatures.get(i), i, model));
    }
    return model;
  }

  private Subgraph toSubgraph(Table t, int s) {
    Subgraph g = new Subgraph(t.getString("name"));
    List<Table> tensors = orEmpty(t.getTables("tensors"));
    for (int i = 0; i < tensors.size(); i++) {
      g.tensors().add(toTensor(tensors.get(i), i, s));
    }
    int[] inputs = orEmpty(t.getIntArray("inputs"));
    for (int i = 0; i < inputs.length; i++) {
      g.inputs().add(tensor(g, inputs[i], "Subgraph " + s + ": input " + i, s));
    }
    int[] outputs = orEmpty(t.getIntArray("outputs"));
    for (int i = 0; i < outputs.length; i++) {
      g.outputs().add(tensor(g, outputs[i], "Subgraph " + s + ": output " + i, s));
    }
    List<Table> operators = orEmpty(t.getTables("operators"));
    for (int i = 0; i < operators.size(); i++) {
      g.operators().add(toOperator(operators.get(i), g, i, s));
    }
    return g;
  }

  private Tensor toTensor(Table t, int index, int s) {
    String name = t.getString("name");
    String where = "Tensor " + index + (name == null ? "" : " '" + name + "'") + " of subgraph " + s;
    int typeCode = t.getInt("type");
    DataType type = DataType.fromCode(typeCode);
    if (type == null) {
      throw new UnsupportedModelException(where + " has element type code " + typeCode
          + ", which LiteQuant's TensorFlow Lite schema does not know.");
    }
    Tensor tensor = new Tensor(name == null ? "" : name, type, shape(t.getIntArray("shape"), where, false));
    int[] signature = t.getIntArray("shape_signature");
    if (signature != null) {
      tensor.setShapeSignature(shape(signature, where, true));
    }
    tensor.setBuffer(buffer(t.getLong("buffer"), where));
    tensor.setVariable(t.getBool("is_variable"));
    tensor.setHasRank(t.getBool("has_rank"));
    tensor.setSparsity(t.getTable("sparsity"));
    if (t.has("variant_tensors")) {
      tensor.setVariantTensors(t.getTables("variant_tensors"));
    }
    Table q = t.getTable("quantization");
    if (q != null) {
      tensor.setQuantization(quantization(q, where));
    }
    return tensor;
  }

  private static Shape shape(int[] dims, String where, boolean signature) {
    if (dims == null) {
      return Shape.scalar();
    }
    for (int d : dims) {
      if (d < (signature ? -1 : 0)) {
        throw new InvalidModelException(where + " has " + (signature ? "shape signature " : "shape ")
            + java.util.Arrays.toString(dims) + ": dimension " + d + " is negative.");
      }
    }
    return Shape.of(dims);
  }

  private static Quantization quantization(Table q, String where) {
    float[] scales = q.getFloatArray("scale");
    long[] zeroPoints = q.getLongArray("zero_point");
    int axis = q.getInt("quantized_dimension");
    Quantization quant = Quantization.of(scales, zeroPoints, q.getFloatArray("min"),
        q.getFloatArray("max"), axis, q.getTable("details"));
    if (quant.scaleCount() > 0) {
      int zps = zeroPoints == null ? 0 : zeroPoints.length;
      if (zps != quant.scaleCount()) {
        throw new InvalidModelException(where + " has " + quant.scaleCount() + " quantization scales but "
            + zps + " zero points; they must match.");
      }
      // The per-axis dimension is not checked against the shape: older converters wrote biases with
      // quantized_dimension 3 on a 1-D shape, and the runtime accepts them. Kernels check what they use.
    }
    return quant;
  }

  private Operator toOperator(Table t, Subgraph g, int i, int s) {
    long opcodeIndex = t.getLong("opcode_index");
    String where = "Operator " + i + " of subgraph " + s;
    if (opcodeIndex >= opcodes.size()) {
      throw new InvalidModelException(where + " uses operator code " + opcodeIndex + ", but the model has "
          + opcodes.size() + " operator codes.");
    }
    Table code = opcodes.get((int) opcodeIndex);
    int builtin = Math.max(code.getInt("deprecated_builtin_code"), code.getInt("builtin_code"));
    int version = code.getInt("version");
    if (version < 1) {
      throw new InvalidModelException(where + " has version " + version + "; operator versions start at 1.");
    }
    Operator op = Operator.ofCode(builtin, code.getString("custom_code")).setVersion(version);
    where = "Operator " + i + " (" + op.displayName() + ") of subgraph " + s;
    int[] inputs = orEmpty(t.getIntArray("inputs"));
    for (int k = 0; k < inputs.length; k++) {
      op.inputs().add(inputs[k] == -1 ? null : tensor(g, inputs[k], where + ": input " + k, s));
    }
    int[] outputs = orEmpty(t.getIntArray("outputs"));
    for (int k = 0; k < outputs.length; k++) {
      op.outputs().add(tensor(g, outputs[k], where + ": output " + k, s));
    }
    int[] intermediates = orEmpty(t.getIntArray("intermediates"));
    for (int k = 0; k < intermediates.length; k++) {
      op.intermediates().add(tensor(g, intermediates[k], where + ": intermediate " + k, s));
    }
    op.setOptions(t.getTable("builtin_options"));
    op.setOptions2(t.getTable("builtin_options_2"));
    op.setCustomOptionsFormat(t.getInt("custom_options_format"));
    op.setMutatingVariableInputs(t.getBoolArray("mutating_variable_inputs"));
    byte[] custom = t.getBytes("custom_options");
    long largeOffset = t.getLong("large_custom_options_offset");
    if (largeOffset > 1) {
      if (custom != null) {
        throw new InvalidModelException(where + " has both inline and external custom options.");
      }
      custom = external(largeOffset, t.getLong("large_custom_options_size"), where + " custom options");
    }
    op.setCustomOptions(custom);
    return op;
  }

  private static Tensor tensor(Subgraph g, int index, String where, int s) {
    if (index < 0 || index >= g.tensors().size()) {
      throw new InvalidModelException(where + " is tensor index " + index + ", but subgraph " + s
          + " has " + g.tensors().size() + " tensors.");
    }
    return g.tensors().get(index);
  }

  /** The buffer at {@code index}, shared between all references; null for an empty buffer. */
  private Buffer buffer(long index, String where) {
    if (index < 0 || index >= bufferTables.size()) {
      throw new InvalidModelException(where + " refers to buffer " + index + ", but the model has "
          + bufferTables.size() + " buffers.");
    }
    int i = (int) index;
    if (buffers[i] == null) {
      Table b = bufferTables.get(i);
      long offset = b.getLong("offset");
      if (offset > 1) {
        if (b.has("data")) {
          throw new InvalidModelException("Buffer " + i + " has both inline data and an external offset.");
        }
        buffers[i] = Buffer.copyOf(external(offset, b.getLong("size"), "buffer " + i));
      } else {
        ByteBuffer data = b.byteView("data");
        buffers[i] = data == null ? Buffer.empty() : Buffer.copyOf(data);
      }
    }
    return buffers[i].isEmpty() ? null : buffers[i];
  }

  /** Data stored after the flatbuffer (files over 2 GB use this layout, schema 3c). */
  private byte[] external(long offset, long size, String what) {
    if (offset < 0 || size < 0 || offset + size > file.length || offset + size < offset) {
      throw new InvalidModelException("The " + what + " lie at bytes " + offset + ".." + (offset + size)
          + ", outside the " + file.length + "-byte file.");
    }
    byte[] out = new byte[(int) size];
    System.arraycopy(file, (int) offset, out, 0, (int) size);
    return out;
  }

  private SignatureDef toSignature(Table t, int i, Model model) {
    String key = t.getString("signature_key");
    String where = "Signature " + i + (key == null ? "" : " '" + key + "'");
    long s = t.getLong("subgraph_index");
    if (s >= model.subgraphs().size()) {
      throw new InvalidModelException(where + " refers to subgraph " + s + ", but the model has "
          + model.subgraphs().size() + " subgraphs.");
    }
    Subgraph g = model.subgraphs().get((int) s);
    SignatureDef sig = new SignatureDef(key, g);
    for (Table m : orEmpty(t.getTables("inputs"))) {
      sig.inputs().put(nameOf(m), signatureTensor(g, m, where + ": input", (int) s));
    }
    for (Table m : orEmpty(t.getTables("outputs"))) {
      sig.outputs().put(nameOf(m), signatureTensor(g, m, where + ": output", (int) s));
    }
    return sig;
  }

  private static String nameOf(Table tensorMap) {
    String n = tensorMap.getString("name");
    return n == null ? "" : n;
  }

  private static Tensor signatureTensor(Subgraph g, Table m, String where, int s) {
    long index = m.getLong("tensor_index");
    return tensor(g, index > Integer.MAX_VALUE ? -1 : (int) index, where + " '" + nameOf(m) + "'", s);
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? new ArrayList<>() : list;
  }

  private static int[] orEmpty(int[] a) {
    return a == null ? new int[0] : a;
  }
}
