package dev.litequant.quantize;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pass 4: makes the graph int8 (or int16) where operators were quantized. A tensor written by a
 * quantized operator is retyped in place; if float operators or the model's outputs still need it
 * as float, the operator writes a new {@code _int8} tensor instead and a DEQUANTIZE recreates the
 * float one. A float tensor that quantized operators read gets a QUANTIZE to a new {@code _int8}
 * tensor. Constants that quantized operators read as activations are quantized with their
 * parameters.
 */
final class RewriteTensors {
  private RewriteTensors() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      rewrite(c, g);
    }
  }

  private static void rewrite(QuantizationContext c, Subgraph g) {
    Map<Tensor, Operator> producers = g.producers();
    Map<Tensor, List<Operator>> consumers = g.consumers();
    List<Operator> atStart = new ArrayList<>();
    Map<Operator, List<Operator>> after = new IdentityHashMap<>();
    for (Tensor t : new ArrayList<>(g.tensors())) {
      Quantization q = c.params.get(t);
      if (q == null || t.isConstant() || t.type() != DataType.FLOAT32) {
        continue;
      }
      Operator producer = producers.get(t);
      List<Operator> users = consumers.getOrDefault(t, List.of());
      boolean floatUsers = users.stream().anyMatch(op -> !c.isQuantized(op));
      List<Operator> intUsers = users.stream().filter(c::isQuantized).toList();
      String suffix = "_" + c.typeName();
      if (producer != null && c.isQuantized(producer)) {
        if (g.outputs().contains(t) || floatUsers) {
          Tensor quantized = GraphEdits.activation(g, t, t.name() + suffix, c.activationType, q);
          c.params.put(quantized, q);
          GraphEdits.replaceOutput(producer, t, quantized);
          for (Operator user : intUsers) {
            GraphEdits.replaceInput(user, t, quantized);
          }
          after.computeIfAbsent(producer, k -> new ArrayList<>()).add(GraphEdits.dequantize(quantized, t));
        } else {
          t.setType(c.activationType).setQuantization(q);
        }
      } else if (!intUsers.isEmpty()) {
        Tensor quantized = GraphEdits.activation(g, t, t.name() + suffix, c.activationType, q);
        c.params.put(quantized, q);
        for (Operator user : intUsers) {
          GraphEdits.replaceInput(user, t, quantized);
        }
        Operator conversion = GraphEdits.quantize(t, quantized);
        if (producer == null) {
          atStart.add(conversion);
        } else {
          after.computeIfAbsent(producer, k -> new ArrayList<>()).add(conversion);
        }
      }
    }
    quantizeConstants(c, g);
    GraphEdits.insert(g, atStart, after);
  }

  /** Constant activations and LIKE_OUTPUT constants of int8 operators become int8 constants. */
  private static void quantizeConstants(QuantizationContext c, Subgraph g) {
    for (Operator op : g.operators()) {
      OpQuantSpec spec = c.quantized.get(op);
      if (spec == null) {
        continue;
      }
      Quantization outputParams = op.outputs().isEmpty() ? null : c.params.get(op.output(0));
      for (int k = 0; k < op.inputs().size(); k++) {
        Tensor t = op.input(k);
        if (t == null || !t.isConstant() || t.type() != DataType.FLOAT32) {
          continue;
        }
        Quantization q;
        if (spec.role(k) == InputRole.LIKE_OUTPUT
            || spec.role(k) == InputRole.ACTIVATION && spec.output() instanceof OutputRule.RequantizeInputs) {
          q = outputParams;
        } else if (spec.role(k) == InputRole.ACTIVATION) {
          q = c.params.get(t);
        } else {
          continue;
        }
        op.inputs().set(k, g.addTensor(quantizedConstant(t, q, c.activationType)));
        float outside = furthestOutside(t, q, c.activationType);
        if (outside != 0f) {
          c.warnings.add("The constant '" + t.name() + "' (input " + k + " of operator "
              + c.originalIndex.getOrDefault(op, g.operators().indexOf(op)) + ", " + op.displayName() + ") holds "
              + outside + ", outside the range its " + c.typeName() + " parameters represent "
              + "(" + q + "); it is clipped to the nearest end. Keep the operator float (--keep-float) if that "
              + "matters.");
        }
      }
    }
  }

  /** The value furthest beyond the represented range by more than half a step, or 0 if none is. */
  private static float furthestOutside(Tensor t, Quantization q, DataType type) {
    float lo = (QuantParams.min(type) - q.zeroPoint() - 0.5f) * q.scale();
    float hi = (QuantParams.max(type) - q.zeroPoint() + 0.5f) * q.scale();
    float worst = 0f;
    float worstDistance = 0f;
    for (float v : QuantizeWeights.floats(t)) {
      float d = Math.max(lo - v, v - hi);
      if (d > worstDistance) {
        worstDistance = d;
        worst = v;
      }
    }
    return worst;
  }

  private static Tensor quantizedConstant(Tensor t, Quantization q, DataType type) {
    float[] v = QuantizeWeights.floats(t);
    int lo = QuantParams.min(type);
    int hi = QuantParams.max(type);
    Buffer data;
    if (type == DataType.INT16) {
      short[] out = new short[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (short) QuantParams.quantize(v[i], q.scale(), q.zeroPoint(), lo, hi);
      }
      data = Buffer.ofShorts(out);
    } else {
      byte[] out = new byte[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = (byte) QuantParams.quantize(v[i], q.scale(), q.zeroPoint(), lo, hi);
      }
      data = Buffer.copyOf(out);
    }
    Tensor n = new Tensor(t.name(), type, t.shape()).setHasRank(t.hasRank()).setBuffer(data);
    n.setQuantization(q);
    return n;
  }
}
