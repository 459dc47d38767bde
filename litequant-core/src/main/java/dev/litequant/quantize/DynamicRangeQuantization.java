package dev.litequant.quantize;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic-range quantization: int8 weights, float activations, no calibration. The weights of the
 * operators the official weight quantizer lists ({@link WeightInputs}) with at least {@link
 * QuantizerOptions#minWeightElements()} elements become symmetric int8; operators with a hybrid
 * kernel in TensorFlow Lite 2.6.2 read them directly, GATHER moves int8 rows, and every other
 * consumer reads one shared DEQUANTIZE placed before the first of them ({@link HybridReads}).
 *
 * <p>Like the official converter: CONV_2D and DEPTHWISE_CONV_2D weights per channel,
 * FULLY_CONNECTED and BATCH_MATMUL weights per tensor with asymmetric input quantization
 * (versions 9 and 4). Unlike it, only where 2.6.2 computes the result correctly: a constant that
 * any operator reads through a DEQUANTIZE is quantized per tensor (2.6.2 dequantizes per-axis
 * tensors to zeros), a CONV_2D filter whose channel scales are all equal is written per tensor
 * (2.6.2's per-channel test sends it down a branch that reads scale 0), and BATCH_MATMUL shapes
 * 2.6.2's hybrid kernel overruns read a DEQUANTIZE. Operators the user keeps float read the
 * original float weights.
 */
final class DynamicRangeQuantization {
  private DynamicRangeQuantization() {}

  static void apply(Model model, QuantizerOptions options, List<OperatorDecision> decisions, List<String> warnings) {
    QuantizationContext c = new QuantizationContext(model, options, null);
    c.subgraphs.addAll(model.subgraphs());
    c.recordOriginalIndices();
    FoldConstantDequantize.apply(c);
    decisions.addAll(c.decisions);
    KeepFloat keepFloat = new KeepFloat(options.keepFloat());
    Map<Buffer, Map<Integer, QuantParams.QuantizedWeights>> cache = new IdentityHashMap<>();
    for (Subgraph g : model.subgraphs()) {
      new SubgraphPass(model, g, options, keepFloat, c.originalIndex, cache, decisions).run();
    }
  }

  /** Quantizes the weights of one subgraph and records a decision for each operator with weights. */
  private static final class SubgraphPass {
    private final Model model;
    private final Subgraph g;
    private final QuantizerOptions options;
    private final KeepFloat keepFloat;
    private final Map<Operator, Integer> originalIndex;
    private final Map<Buffer, Map<Integer, QuantParams.QuantizedWeights>> cache;
    private final List<OperatorDecision> decisions;
    private final Map<Operator, String> floatReasons = new LinkedHashMap<>();
    private final Map<Operator, Boolean> quantized = new IdentityHashMap<>();
    /** The DEQUANTIZE operators this pass inserted. */
    private final List<Operator> inserted = new ArrayList<>();

    SubgraphPass(Model model, Subgraph g, QuantizerOptions options, KeepFloat keepFloat,
        Map<Operator, Integer> originalIndex, Map<Buffer, Map<Integer, QuantParams.QuantizedWeights>> cache,
        List<OperatorDecision> decisions) {
      this.model = model;
      this.g = g;
      this.options = options;
      this.keepFloat = keepFloat;
      this.originalIndex = originalIndex;
      this.cache = cache;
      this.decisions = decisions;
    }

    void run() {
      List<Operator> original = new ArrayList<>(g.operators());
      Map<Tensor, Boolean> candidates = new LinkedHashMap<>();
      for (Operator op : original) {
        String kept = keepFloat.reason(op);
        for (int k : WeightInputs.of(op)) {
          Tensor t = op.input(k);
          if (t == null || t.type() != DataType.FLOAT32 || !t.isConstant()) {
            continue;
          }
          if (kept != null) {
            floatReasons.putIfAbsent(op, kept);
          } else if (t.shape().elementCount() < options.minWeightElements()) {
            floatReasons.putIfAbsent(op, "its weights have " + t.shape().elementCount()
                + " elements, fewer than --min-weight-elements " + options.minWeightElements());
          } else {
            candidates.put(t, true);
          }
        }
      }
      Map<Tensor, List<Operator>> consumers = g.consumers();
      for (Tensor t : candidates.keySet()) {
        quantizeConstant(t, consumers.getOrDefault(t, List.of()));
      }
      for (Operator op : g.operators()) {
        if (quantized.containsKey(op) || inserted.contains(op)) {
          op.setVersion(Math.max(op.version(), OpVersions.required(op)));
        }
      }
      GraphEdits.prune(model, g);
      int s = model.indexOf(g);
      for (int i = 0; i < original.size(); i++) {
        Operator op = original.get(i);
        int index = originalIndex.getOrDefault(op, i);
        if (quantized.containsKey(op)) {
          decisions.add(new OperatorDecision(s, index, op.displayName(), OperatorDecision.Outcome.QUANTIZED, null));
        } else if (floatReasons.containsKey(op)) {
          decisions.add(new OperatorDecision(s, index, op.displayName(), OperatorDecision.Outcome.FLOAT,
              floatReasons.get(op)));
        }
      }
    }

    /** One use of a constant: operator and input position. */
    private record Use(Operator op, int input) {}

    private void quantizeConstant(Tensor t, List<Operator> readers) {
      List<Use> uses = new ArrayList<>();
      boolean floatStays = false;
      for (Operator op : readers) {
        if (keepFloat.reason(op) != null) {
          floatStays = true;
          continue;
        }
        for (int k = 0; k < op.inputs().size(); k++) {
          if (op.input(k) == t && !uses.contains(new Use(op, k))) {
            uses.add(new Use(op, k));
          }
        }
      }
      int axis = Integer.MIN_VALUE;
      for (Use u : uses) {
        int a = HybridReads.preferredAxis(u.op(), u.input(), options.perChannelDense());
        axis = axis == Integer.MIN_VALUE || axis == a ? a : -1;
      }
      if (axis == Integer.MIN_VALUE || axis >= t.shape().rank()) {
        axis = -1;
      }
      QuantParams.QuantizedWeights q = weights(t, axis);
      if (axis == 0 && allEqual(q.scales())) {
        // One scale repeated: 2.6.2's hybrid CONV_2D would take its per-tensor branch and read scale 0.
        axis = -1;
        q = weights(t, axis);
      }
      boolean perChannel = axis >= 0;
      Buffer codes = Buffer.copyOf(q.values());
      Tensor int8 = new Tensor(floatStays ? t.name() + "_int8" : t.name(), DataType.INT8, t.shape())
          .setHasRank(t.hasRank()).setShapeSignature(t.shapeSignature()).setBuffer(codes);
      int8.setQuantization(perChannel
          ? dev.litequant.graph.Quantization.perAxis(q.scales(), new long[q.scales().length], axis)
          : dev.litequant.graph.Quantization.perTensor(q.scales()[0], 0));
      g.addTensor(int8);
      Tensor depthwiseView = null;
      List<Use> dequantized = new ArrayList<>();
      for (Use u : uses) {
        quantized.put(u.op(), true);
        switch (HybridReads.withScheme(u.op(), u.input(), perChannel)) {
          case HYBRID -> {
            Tensor view = int8;
            if (u.op().is(BuiltinOperator.DEPTHWISE_CONV_2D) && !perChannel) {
              if (depthwiseView == null) {
                depthwiseView = g.addTensor(channelView(int8, q.scales()[0], t.shape().dim(3)));
              }
              view = depthwiseView;
            }
            u.op().inputs().set(u.input(), view);
            asymmetricInputs(u.op());
          }
          case INT8_GATHER -> gatherInt8(u.op(), int8);
          case DEQUANTIZE -> dequantized.add(u);
        }
      }
      if (!dequantized.isEmpty()) {
        if (perChannel) {
          throw new IllegalStateException("per-channel weights '" + t.name() + "' would be read through a DEQUANTIZE");
        }
        Tensor out = GraphEdits.activation(g, t, t.name() + "_dequantize", DataType.FLOAT32, null);
        int first = g.operators().size();
        for (Use u : dequantized) {
          first = Math.min(first, g.operators().indexOf(u.op()));
          u.op().inputs().set(u.input(), out);
        }
        Operator dq = GraphEdits.dequantize(int8, out);
        inserted.add(dq);
        g.operators().add(first, dq);
      }
    }

    /** Per-tensor int8 codes or per-channel along {@code axis}; shared by subgraphs that share the buffer. */
    private QuantParams.QuantizedWeights weights(Tensor t, int axis) {
      return cache.computeIfAbsent(t.buffer(), b -> new java.util.HashMap<>()).computeIfAbsent(axis, a -> {
        float[] values = QuantizeWeights.floats(t);
        return a < 0 ? QuantParams.perTensor(values) : QuantParams.perChannel(values, t.shape().dims(), a);
      });
    }

    /**
     * The same codes with the one scale repeated per channel on axis 3: 2.6.2's hybrid
     * DEPTHWISE_CONV_2D wants one scale per channel, its DEQUANTIZE one scale in all.
     */
    private static Tensor channelView(Tensor int8, float scale, int channels) {
      float[] scales = new float[channels];
      java.util.Arrays.fill(scales, scale);
      Tensor v = new Tensor(int8.name() + "_per_channel", DataType.INT8, int8.shape()).setHasRank(int8.hasRank())
          .setShapeSignature(int8.shapeSignature()).setBuffer(int8.buffer());
      v.setQuantization(dev.litequant.graph.Quantization.perAxis(scales, new long[channels], 3));
      return v;
    }

    /** FULLY_CONNECTED and BATCH_MATMUL quantize their input asymmetrically, as the official converter asks. */
    private static void asymmetricInputs(Operator op) {
      String table = op.is(BuiltinOperator.FULLY_CONNECTED) ? "FullyConnectedOptions"
          : op.is(BuiltinOperator.BATCH_MATMUL) ? "BatchMatMulOptions" : null;
      if (table != null) {
        dev.litequant.flatbuf.Table o = op.options() == null ? dev.litequant.flatbuf.Table.of(table) : op.options();
        op.setOptions(o.with("asymmetric_quantize_inputs", true));
      }
    }

    /** GATHER reads the int8 table and writes int8 rows, which a DEQUANTIZE right after it turns back into its output. */
    private void gatherInt8(Operator gather, Tensor table) {
      Tensor out = gather.output(0);
      Tensor rows = GraphEdits.activation(g, out, out.name() + "_int8", DataType.INT8, table.quantization());
      gather.inputs().set(0, table);
      GraphEdits.replaceOutput(gather, out, rows);
      Operator dq = GraphEdits.dequantize(rows, out);
      inserted.add(dq);
      g.operators().add(g.operators().indexOf(gather) + 1, dq);
    }

    private static boolean allEqual(float[] v) {
      for (float x : v) {
        if (Float.compare(x, v[0]) != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
