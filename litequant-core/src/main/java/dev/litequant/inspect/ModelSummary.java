package dev.litequant.inspect;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Metadata;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code litequant inspect} reports about a model: entry points, operators with versions,
 * tensor types, how weights are quantized, and where the bytes go. Built once from a {@link Model};
 * {@link #toJsonTree()} gives the form scripts read.
 */
public record ModelSummary(
    long fileBytes,
    long schemaVersion,
    String description,
    List<SubgraphInfo> subgraphs,
    List<SignatureInfo> signatures,
    List<OpCount> operators,
    List<TypeStat> constantTypes,
    List<TypeStat> activationTypes,
    List<WeightQuantization> weights,
    long constantBytes,
    List<String> metadata) {

  /** A model input or output. */
  public record TensorInfo(int index, String name, String type, int[] shape, int[] shapeSignature,
      Float scale, Long zeroPoint) {}

  public record SubgraphInfo(int index, String name, List<TensorInfo> inputs, List<TensorInfo> outputs,
      int operatorCount, int tensorCount) {}

  public record SignatureInfo(String key, int subgraph, Map<String, TensorInfo> inputs, Map<String, TensorInfo> outputs) {}

  /** How many operators of one kind and version the model has. */
  public record OpCount(String op, int version, int count) {}

  /** Tensors of one element type: how many, and how many bytes of constant data. */
  public record TypeStat(String type, int tensors, long bytes) {}

  /**
   * A quantized constant tensor (a weight or bias): its scheme, and for per-channel tensors the
   * axis and channel count.
   */
  public record WeightQuantization(String tensor, String type, int[] shape, boolean perChannel, int axis,
      int channels, String usedBy) {}

  public static ModelSummary of(Model model, long fileBytes) {
    List<SubgraphInfo> subgraphs = new ArrayList<>();
    Map<String, OpCount> ops = new TreeMap<>();
    Map<DataType, long[]> constants = new TreeMap<>();
    Map<DataType, long[]> activations = new TreeMap<>();
    List<WeightQuantization> weights = new ArrayList<>();
    long constantBytes = 0;
    Set<Object> seenBuffers = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int s = 0; s < model.subgraphs().size(); s++) {
      Subgraph g = model.subgraphs().get(s);
      subgraphs.add(new SubgraphInfo(s, g.name(), infos(g, g.inputs()), infos(g, g.outputs()),
          g.operators().size(), g.tensors().size()));
      for (Operator op : g.operators()) {
        String key = op.displayName() + "\u0000" + op.version();
        OpCount c = ops.get(key);
        ops.put(key, new OpCount(op.displayName(), op.version(), c == null ? 1 : c.count() + 1));
      }
      Map<Tensor, List<Operator>> consumers = g.consumers();
      for (Tensor t : g.tensors()) {
        if (t.isConstant()) {
          long[] stat = constants.computeIfAbsent(t.type(), k -> new long[2]);
          stat[0]++;
          // Shared buffers are stored once, so they count once.
          if (seenBuffers.add(t.buffer())) {
            stat[1] += t.buffer().size();
            constantBytes += t.buffer().size();
          }
          if (t.isQuantized()) {
            weights.add(weight(t, g, consumers.getOrDefault(t, List.of())));
          }
        } else {
          long[] stat = activations.computeIfAbsent(t.type(), k -> new long[2]);
          stat[0]++;
        }
      }
    }
    List<OpCount> opList = new ArrayList<>(ops.values());
    opList.sort(Comparator.comparingInt(OpCount::count).reversed().thenComparing(OpCount::op));
    List<SignatureInfo> signatures = new ArrayList<>();
    for (SignatureDef sig : model.signatures()) {
      signatures.add(new SignatureInfo(sig.key(), model.indexOf(sig.subgraph()),
          named(sig.subgraph(), sig.inputs()), named(sig.subgraph(), sig.outputs())));
    }
    List<String> metadata = new ArrayList<>();
    for (Metadata m : model.metadata()) {
      metadata.add(m.name());
    }
    return new ModelSummary(fileBytes, model.version(), model.description(), subgraphs, signatures, opList,
        stats(constants, true), stats(activations, false), weights, constantBytes, metadata);
  }

  private static WeightQuantization weight(Tensor t, Subgraph g, List<Operator> users) {
    Quantization q = t.quantization();
    String usedBy = "";
    if (!users.isEmpty()) {
      Operator op = users.get(0);
      usedBy = op.displayName() + " input " + op.inputs().indexOf(t) + (users.size() > 1 ? " (+" + (users.size() - 1) + ")" : "");
    }
    return new WeightQuantization(t.name(), t.type().displayName(), t.shape().dims(), q.isPerAxis(),
        q.isPerAxis() ? q.axis() : -1, q.scaleCount(), usedBy);
  }

  private static List<TypeStat> stats(Map<DataType, long[]> m, boolean withBytes) {
    List<TypeStat> out = new ArrayList<>();
    m.forEach((type, s) -> out.add(new TypeStat(type.displayName(), (int) s[0], withBytes ? s[1] : 0)));
    return out;
  }

  private static List<TensorInfo> infos(Subgraph g, List<Tensor> tensors) {
    List<TensorInfo> out = new ArrayList<>();
    for (Tensor t : tensors) {
      out.add(info(g, t));
    }
    return out;
  }

  private static Map<String, TensorInfo> named(Subgraph g, Map<String, Tensor> map) {
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    map.forEach((k, t) -> out.put(k, info(g, t)));
    return out;
  }

  private static TensorInfo info(Subgraph g, Tensor t) {
    return new TensorInfo(g.indexOf(t), t.name(), t.type().displayName(), t.shape().dims(),
        t.shapeSignature() == null ? null : t.shapeSignature().dims(),
        t.isQuantized() && !t.quantization().isPerAxis() ? t.quantization().scale() : null,
        t.isQuantized() && !t.quantization().isPerAxis() ? t.quantization().zeroPoint() : null);
  }

  /** Size in bytes of the constant data of one type. */
  public long constantBytes(String type) {
    return constantTypes.stream().filter(s -> s.type().equals(type)).mapToLong(TypeStat::bytes).sum();
  }

  /** The summary as nested maps and lists, ready for {@link dev.litequant.util.Json}. */
  public Map<String, Object> toJsonTree() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("file_bytes", fileBytes);
    root.put("schema_version", schemaVersion);
    root.put("description", description);
    List<Object> subs = new ArrayList<>();
    for (SubgraphInfo s : subgraphs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", s.index());
      m.put("name", s.name());
      m.put("operators", s.operatorCount());
      m.put("tensors", s.tensorCount());
      m.put("inputs", tensorList(s.inputs()));
      m.put("outputs", tensorList(s.outputs()));
      subs.add(m);
    }
    root.put("subgraphs", subs);
    List<Object> sigs = new ArrayList<>();
    for (SignatureInfo s : signatures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", s.key());
      m.put("subgraph", s.subgraph());
      m.put("inputs", tensorMap(s.inputs()));
      m.put("outputs", tensorMap(s.outputs()));
      sigs.add(m);
    }
    root.put("signatures", sigs);
    List<Object> ops = new ArrayList<>();
    for (OpCount c : operators) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("op", c.op());
      m.put("version", c.version());
      m.put("count", c.count());
      ops.add(m);
    }
    root.put("operators", ops);
    root.put("constant_types", typeStats(constantTypes, true));
    root.put("activation_types", typeStats(activationTypes, false));
    root.put("constant_bytes", constantBytes);
    List<Object> ws = new ArrayList<>();
    for (WeightQuantization w : weights) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tensor", w.tensor());
      m.put("type", w.type());
      m.put("shape", w.shape());
      m.put("scheme", w.perChannel() ? "per-channel" : "per-tensor");
      if (w.perChannel()) {
        m.put("axis", w.axis());
        m.put("channels", w.channels());
      }
      m.put("used_by", w.usedBy());
      ws.add(m);
    }
    root.put("quantized_constants", ws);
    root.put("metadata", metadata);
    return root;
  }

  private static List<Object> typeStats(List<TypeStat> stats, boolean withBytes) {
    List<Object> out = new ArrayList<>();
    for (TypeStat s : stats) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", s.type());
      m.put("tensors", s.tensors());
      if (withBytes) {
        m.put("bytes", s.bytes());
      }
      out.add(m);
    }
    return out;
  }

  private static List<Object> tensorList(List<TensorInfo> tensors) {
    List<Object> out = new ArrayList<>();
    for (TensorInfo t : tensors) {
      out.add(tensorJson(t));
    }
    return out;
  }

  private static Map<String, Object> tensorMap(Map<String, TensorInfo> tensors) {
    Map<String, Object> out = new LinkedHashMap<>();
    tensors.forEach((k, t) -> out.put(k, tensorJson(t)));
    return out;
  }

  private static Map<String, Object> tensorJson(TensorInfo t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", t.index());
    m.put("name", t.name());
    m.put("type", t.type());
    m.put("shape", t.shape());
    if (t.shapeSignature() != null) {
      m.put("shape_signature", t.shapeSignature());
    }
    if (t.scale() != null) {
      m.put("scale", t.scale());
      m.put("zero_point", t.zeroPoint());
    }
    return m;
  }
}
