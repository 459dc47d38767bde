package dev.litequant.io;

import dev.litequant.flatbuf.FlatBufferEncoder;
import dev.litequant.flatbuf.Table;
import dev.litequant.flatbuf.TfLiteSchema;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Metadata;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelValidator;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Model} as a {@code .tflite} flatbuffer. Operator codes are collected from the
 * operators in order of first use; buffer indices come from buffer identity (index 0 is the empty
 * sentinel, and tensors without data point at it).
 */
public final class ModelWriter {
  private final Map<OpCodeKey, Integer> opcodes = new LinkedHashMap<>();
  private final Map<Buffer, Integer> bufferIndex = new IdentityHashMap<>();
  private final List<Buffer> buffers = new ArrayList<>();
  private long dataBytes;

  private record OpCodeKey(int builtinCode, String customCode, int version) {}

  private ModelWriter() {
    buffers.add(Buffer.empty());
  }

  /** Serialises the model; it is validated first, so a broken graph is never written. */
  public static byte[] write(Model model) {
    ModelValidator.validate(model);
    ModelWriter w = new ModelWriter();
    Table root = w.toTable(model);
    return FlatBufferEncoder.encode(root, TfLiteSchema.FILE_IDENTIFIER, (int) Math.min(Integer.MAX_VALUE - 8, w.dataBytes + 65536));
  }

  private Table toTable(Model model) {
    List<Table> subgraphs = new ArrayList<>();
    for (Subgraph g : model.subgraphs()) {
      subgraphs.add(toTable(g));
    }
    List<Table> metadata = new ArrayList<>();
    for (Metadata m : model.metadata()) {
      metadata.add(Table.of("Metadata").with("name", m.name()).with("buffer", (long) ownBuffer(m.buffer())));
    }
    int[] metadataBuffer = new int[model.metadataBuffers().size()];
    for (int i = 0; i < metadataBuffer.length; i++) {
      metadataBuffer[i] = ownBuffer(model.metadataBuffers().get(i));
    }
    List<Table> signatures = new ArrayList<>();
    for (SignatureDef sig : model.signatures()) {
      signatures.add(toTable(sig, model));
    }
    List<Table> codes = new ArrayList<>();
    for (OpCodeKey k : opcodes.keySet()) {
      codes.add(Table.of("OperatorCode")
          .with("deprecated_builtin_code", Math.min(k.builtinCode(), BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES_VALUE))
          .with("builtin_code", k.builtinCode())
          .with("custom_code", k.customCode())
          .with("version", k.version()));
    }
    List<Table> bufferTables = new ArrayList<>(buffers.size());
    for (Buffer b : buffers) {
      Table t = Table.of("Buffer");
      bufferTables.add(b.isEmpty() ? t : t.with("data", b.toByteArray()));
    }
    Table root = Table.of("Model")
        .with("version", model.version())
        .with("operator_codes", codes)
        .with("subgraphs", subgraphs)
        .with("description", model.description())
        .with("buffers", bufferTables);
    if (!metadata.isEmpty()) {
      root = root.with("metadata", metadata);
    }
    if (metadataBuffer.length > 0) {
      root = root.with("metadata_buffer", metadataBuffer);
    }
    if (!signatures.isEmpty()) {
      root = root.with("signature_defs", signatures);
    }
    return root;
  }

  private Table toTable(Subgraph g) {
    Map<Tensor, Integer> index = new IdentityHashMap<>();
    List<Table> tensors = new ArrayList<>();
    for (Tensor t : g.tensors()) {
      index.put(t, index.size());
      tensors.add(toTable(t));
    }
    List<Table> operators = new ArrayList<>();
    for (Operator op : g.operators()) {
      operators.add(toTable(op, index));
    }
    return Table.of("SubGraph")
        .with("tensors", tensors)
        .with("inputs", indices(g.inputs(), index))
        .with("outputs", indices(g.outputs(), index))
        .with("operators", operators)
        .with("name", g.name());
  }

  private Table toTable(Tensor t) {
    Table out = Table.of("Tensor")
        .with("shape", t.shape().dims())
        .with("type", t.type().code())
        .with("buffer", (long) dataBuffer(t.buffer()))
        .with("name", t.name().isEmpty() ? null : t.name())
        .with("is_variable", t.isVariable())
        .with("has_rank", t.hasRank())
        .with("sparsity", t.sparsity());
    if (t.shapeSignature() != null) {
      out = out.with("shape_signature", t.shapeSignature().dims());
    }
    if (!t.variantTensors().isEmpty()) {
      out = out.with("variant_tensors", t.variantTensors());
    }
    Quantization q = t.quantization();
    if (q != null) {
      Table qt = Table.of("QuantizationParameters")
          .with("quantized_dimension", q.axis())
          .with("details", q.details());
      qt = withNonEmpty(qt, "scale", q.scales());
      qt = withNonEmpty(qt, "min", q.min());
      qt = withNonEmpty(qt, "max", q.max());
      long[] zps = q.zeroPoints();
      if (zps.length > 0) {
        qt = qt.with("zero_point", zps);
      }
      out = out.with("quantization", qt);
    }
    return out;
  }

  private static Table withNonEmpty(Table t, String field, float[] values) {
    return values.length == 0 ? t : t.with(field, values);
  }

  private Table toTable(Operator op, Map<Tensor, Integer> index) {
    OpCodeKey key = new OpCodeKey(op.builtinCode(), op.customCode(), op.version());
    Integer opcode = opcodes.computeIfAbsent(key, k -> opcodes.size());
    int[] inputs = new int[op.inputs().size()];
    for (int i = 0; i < inputs.length; i++) {
      Tensor t = op.inputs().get(i);
      inputs[i] = t == null ? -1 : index.get(t);
    }
    Table out = Table.of("Operator")
        .with("opcode_index", (long) opcode)
        .with("inputs", inputs)
        .with("outputs", indices(op.outputs(), index))
        .with("builtin_options", op.options())
        .with("builtin_options_2", op.options2())
        .with("custom_options", op.customOptions())
        .with("custom_options_format", op.customOptionsFormat())
        .with("mutating_variable_inputs", op.mutatingVariableInputs());
    if (!op.intermediates().isEmpty()) {
      out = out.with("intermediates", indices(op.intermediates(), index));
    }
    return out;
  }

  private Table toTable(SignatureDef sig, Model model) {
    Map<Tensor, Integer> index = new IdentityHashMap<>();
    List<Tensor> tensors = sig.subgraph().tensors();
    for (int i = 0; i < tensors.size(); i++) {
      index.put(tensors.get(i), i);
    }
    return Table.of("SignatureDef")
        .with("inputs", tensorMaps(sig.inputs(), index))
        .with("outputs", tensorMaps(sig.outputs(), index))
        .with("signature_key", sig.key())
        .with("subgraph_index", (long) model.indexOf(sig.subgraph()));
  }

  private static List<Table> tensorMaps(Map<String, Tensor> map, Map<Tensor, Integer> index) {
    List<Table> out = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : map.entrySet()) {
      out.add(Table.of("TensorMap").with("name", e.getKey()).with("tensor_index", (long) index.get(e.getValue())));
    }
    return out;
  }

  private static int[] indices(List<Tensor> tensors, Map<Tensor, Integer> index) {
    int[] out = new int[tensors.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Objects.requireNonNull(index.get(tensors.get(i)));
    }
    return out;
  }

  /** Index of a tensor's data; tensors without data share the sentinel buffer 0. */
  private int dataBuffer(Buffer b) {
    return b == null || b.isEmpty() ? 0 : ownBuffer(b);
  }

  /** Index of a buffer by identity, appending it on first use. */
  private int ownBuffer(Buffer b) {
    Integer i = bufferIndex.get(b);
    if (i == null) {
      i = buffers.size();
      buffers.add(b);
      bufferIndex.put(b, i);
      dataBytes += b.size();
    }
    return i;
  }
}
