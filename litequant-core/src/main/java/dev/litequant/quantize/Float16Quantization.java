package dev.litequant.quantize;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Metadata;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * float16 quantization, as the official converter does it: every constant float32 input becomes
 * float16 (round to nearest even, saturating to the largest finite half), read through one
 * DEQUANTIZE placed before its first consumer; both tensors keep the constant's name (the writer
 * stores equal strings once). The
 * {@code reduced_precision_support} metadata entry tells runtimes that can compute in float16
 * (accumulating in float32) that the model allows it.
 */
final class Float16Quantization {
  static final String METADATA_KEY = "reduced_precision_support";
  static final String METADATA_VALUE = "fp16accfp32";
  private static final float LARGEST_HALF = 65504f;

  private Float16Quantization() {}

  static void apply(Model model, QuantizerOptions options, List<OperatorDecision> decisions, List<String> warnings) {
    KeepFloat keepFloat = new KeepFloat(options.keepFloat());
    Map<Buffer, Buffer> halves = new IdentityHashMap<>();
    long[] saturated = {0};
    for (Subgraph g : model.subgraphs()) {
      convert(model, g, keepFloat, halves, saturated, decisions);
    }
    if (saturated[0] > 0) {
      warnings.add(saturated[0] + " weight value" + (saturated[0] == 1 ? " is" : "s are") + " beyond float16's "
          + "range (|x| > 65504) and became +-65504.");
    }
    if (model.metadata().stream().noneMatch(m -> m.name().equals(METADATA_KEY))) {
      model.metadata().add(new Metadata(METADATA_KEY,
          Buffer.copyOf(METADATA_VALUE.getBytes(StandardCharsets.US_ASCII))));
    }
  }

  private static void convert(Model model, Subgraph g, KeepFloat keepFloat, Map<Buffer, Buffer> halves,
      long[] saturated, List<OperatorDecision> decisions) {
    int s = model.indexOf(g);
    // Constant -> the operators (in order) that will read its float16 form.
    Map<Tensor, List<Operator>> readers = new LinkedHashMap<>();
    for (int i = 0; i < g.operators().size(); i++) {
      Operator op = g.operators().get(i);
      boolean hasWeights = false;
      for (Tensor t : op.inputs()) {
        hasWeights |= t != null && t.isConstant() && t.type() == DataType.FLOAT32;
      }
      if (!hasWeights) {
        continue;
      }
      String kept = keepFloat.reason(op);
      decisions.add(new OperatorDecision(s, i, op.displayName(),
          kept == null ? OperatorDecision.Outcome.QUANTIZED : OperatorDecision.Outcome.FLOAT, kept));
      if (kept != null) {
        continue;
      }
      for (Tensor t : op.inputs()) {
        if (t != null && t.isConstant() && t.type() == DataType.FLOAT32) {
          List<Operator> list = readers.computeIfAbsent(t, k -> new ArrayList<>());
          if (!list.contains(op)) {
            list.add(op);
          }
        }
      }
    }
    Map<Operator, List<Operator>> before = new IdentityHashMap<>();
    for (Map.Entry<Tensor, List<Operator>> e : readers.entrySet()) {
      Tensor constant = e.getKey();
      Tensor half = g.addTensor(new Tensor(constant.name(), DataType.FLOAT16, constant.shape())
          .setHasRank(constant.hasRank()));
      half.setBuffer(halves.computeIfAbsent(constant.buffer(), b -> toHalves(b, saturated)));
      Tensor dequantized = g.addTensor(new Tensor(constant.name(), DataType.FLOAT32, constant.shape())
          .setHasRank(constant.hasRank()));
      for (Operator op : e.getValue()) {
        GraphEdits.replaceInput(op, constant, dequantized);
      }
      before.computeIfAbsent(e.getValue().get(0), k -> new ArrayList<>()).add(GraphEdits.dequantize(half, dequantized));
    }
    List<Operator> ops = new ArrayList<>();
    for (Operator op : g.operators()) {
      ops.addAll(before.getOrDefault(op, List.of()));
      ops.add(op);
    }
    g.operators().clear();
    g.operators().addAll(ops);
    for (Operator dequantize : before.values().stream().flatMap(List::stream).toList()) {
      dequantize.setVersion(OpVersions.required(dequantize));
    }
    GraphEdits.prune(model, g);
  }

  private static Buffer toHalves(Buffer floats, long[] saturated) {
    FloatBuffer in = floats.view().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    ByteBuffer out = ByteBuffer.allocate(in.remaining() * 2).order(ByteOrder.LITTLE_ENDIAN);
    while (in.hasRemaining()) {
      float v = in.get();
      if (Float.isFinite(v) && Math.abs(v) > LARGEST_HALF) {
        saturated[0]++;
      }
      out.putShort(Float16.fromFloat(v));
    }
    return Buffer.copyOf(out.array());
  }
}
