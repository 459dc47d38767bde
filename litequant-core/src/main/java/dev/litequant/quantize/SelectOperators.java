package dev.litequant.quantize;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Pass 1: decides which operators run in int8. An operator stays float when the int8 table has no
 * row for it, when the user keeps it float, or when its inputs do not fit the row (weights that
 * are not constant, inputs that were never calibrated, a data-movement operator fed by a float
 * operator). Those that stay float for want of an integer form are recorded: in integer-only
 * modes the quantizer reports all of them (with those the interpreter refuses) as one error.
 */
final class SelectOperators {
  private SelectOperators() {}

  static void apply(QuantizationContext c) {
    KeepFloat keepFloat = new KeepFloat(c.options.keepFloat());
    for (Subgraph g : c.subgraphs) {
      int s = c.model.indexOf(g);
      Map<Tensor, Operator> producers = g.producers();
      for (int i = 0; i < g.operators().size(); i++) {
        Operator op = g.operators().get(i);
        if (!touchesFloat(op)) {
          continue;
        }
        String reason = reasonToStayFloat(c, g, op, producers, keepFloat);
        int original = c.originalIndex.getOrDefault(op, i);
        c.decisions.add(new OperatorDecision(s, original, op.displayName(),
            reason == null ? OperatorDecision.Outcome.QUANTIZED : OperatorDecision.Outcome.FLOAT, reason));
        if (reason == null) {
          c.quantized.put(op, c.table.get(op.type()));
        } else if (!reason.startsWith("kept float")) {
          c.blocked.add("operator " + original + (c.subgraphs.size() > 1 ? " of subgraph " + s : "") + " ("
              + op.displayName() + "): " + reason);
        }
      }
    }
  }

  static boolean touchesFloat(Operator op) {
    for (Tensor t : op.inputs()) {
      if (t != null && t.type() == DataType.FLOAT32) {
        return true;
      }
    }
    for (Tensor t : op.outputs()) {
      if (t.type() == DataType.FLOAT32) {
        return true;
      }
    }
    return false;
  }

  private static String reasonToStayFloat(QuantizationContext c, Subgraph g, Operator op,
      Map<Tensor, Operator> producers, KeepFloat keepFloat) {
    String kept = keepFloat.reason(op);
    if (kept != null) {
      return kept;
    }
    String refused = c.refused.get(java.util.List.of(c.model.indexOf(g), c.originalIndex.getOrDefault(op, -1)));
    if (refused != null) {
      return refused;
    }
    OpQuantSpec spec = op.type() == null ? null : c.table.get(op.type());
    if (spec == null) {
      return "no " + c.typeName() + " kernel for " + op.displayName();
    }
    for (int k = 0; k < op.inputs().size(); k++) {
      Tensor t = op.input(k);
      if (t == null) {
        continue;
      }
      switch (spec.role(k)) {
        case ACTIVATION -> {
          if (t.type() != DataType.FLOAT32) {
            return "input " + k + " '" + t.name() + "' is " + t.type().displayName() + ", not float32";
          }
          if (!t.isConstant() && c.range(g, t) == null) {
            return "input " + k + " '" + t.name() + "' was not seen during calibration";
          }
        }
        case WEIGHT_AXIS_0, WEIGHT_AXIS_3, WEIGHT_DENSE -> {
          if (t.type() != DataType.FLOAT32 || !t.isConstant()) {
            return "its weights '" + t.name() + "' are not a float32 constant";
          }
          int axis = spec.role(k) == InputRole.WEIGHT_AXIS_3 ? 3 : 0;
          if (t.shape().rank() <= axis) {
            return "its weights '" + t.name() + "' have shape " + t.shape() + ", without a channel axis " + axis;
          }
        }
        case BIAS, LIKE_OUTPUT -> {
          if (t.type() != DataType.FLOAT32 || !t.isConstant()) {
            return "input " + k + " '" + t.name() + "' is not a float32 constant";
          }
        }
        case PASS -> {
          if (t.type() == DataType.FLOAT32 && !t.isConstant()) {
            return "input " + k + " '" + t.name() + "' is a float tensor the " + c.typeName() + " kernel does not take";
          }
        }
      }
    }
    for (Tensor t : op.outputs()) {
      if (t.type() != DataType.FLOAT32) {
        return "output '" + t.name() + "' is " + t.type().displayName() + ", not float32";
      }
      boolean needsRange = spec.output() instanceof OutputRule.Calibrated
          || spec.output() instanceof OutputRule.RequantizeInputs;
      if (needsRange && c.range(g, t) == null) {
        return "output '" + t.name() + "' was not seen during calibration";
      }
    }
    if (spec.output() instanceof OutputRule.SameAsInput same) {
      Operator producer = producers.get(op.input(same.input()));
      if (producer != null && !c.isQuantized(producer) && c.options.mode().allowsFloatFallback()) {
        // Quantizing a pure data move between float operators would only add conversions.
        return "its input comes from a float operator";
      }
    }
    return null;
  }
}
