package dev.litequant.quantize;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.TensorRange;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.nio.FloatBuffer;

/**
 * Pass 2: int8 parameters for every float activation an int8 operator reads or writes, in
 * execution order: inputs from their calibrated range (constants from their values), outputs by
 * the operator's rule (calibrated, fixed, or the same as an input).
 */
final class AssignActivationParams {
  private AssignActivationParams() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      for (Operator op : g.operators()) {
        OpQuantSpec spec = c.quantized.get(op);
        if (spec == null) {
          continue;
        }
        for (int k = 0; k < op.inputs().size(); k++) {
          Tensor t = op.input(k);
          if (t != null && spec.role(k) == InputRole.ACTIVATION && !c.params.containsKey(t)) {
            c.params.put(t, fromRange(c, g, t));
          }
        }
        for (Tensor out : op.outputs()) {
          Quantization q;
          if (spec.output() instanceof OutputRule.Fixed f) {
            q = Quantization.perTensor(f.scale(), f.zeroPoint());
          } else if (spec.output() instanceof OutputRule.SameAsInput same) {
            q = c.params.get(op.input(same.input()));
          } else {
            q = fromRange(c, g, out);
            if (spec.output() instanceof OutputRule.Calibrated calibrated) {
              q = atLeast(c, q, calibrated.minScale(largestInputScale(c, op, spec)));
            }
          }
          c.params.put(out, q);
        }
      }
    }
  }

  private static double largestInputScale(QuantizationContext c, Operator op, OpQuantSpec spec) {
    double largest = 0;
    for (int k = 0; k < op.inputs().size(); k++) {
      Tensor t = op.input(k);
      if (t != null && spec.role(k) == InputRole.ACTIVATION) {
        largest = Math.max(largest, c.params.get(t).scale());
      }
    }
    return largest;
  }

  /** Widens the range the parameters represent, about zero, until the scale reaches the floor. */
  static Quantization atLeast(QuantizationContext c, Quantization q, double minScale) {
    if (q.scale() >= minScale) {
      return q;
    }
    double lo = (QuantParams.min(c.activationType) - q.zeroPoint()) * minScale;
    double hi = (QuantParams.max(c.activationType) - q.zeroPoint()) * minScale;
    return c.activationParams((float) lo, (float) hi);
  }

  private static Quantization fromRange(QuantizationContext c, Subgraph g, Tensor t) {
    if (t.isConstant()) {
      FloatBuffer values = t.buffer().view().asFloatBuffer();
      float min = 0f;
      float max = 0f;
      while (values.hasRemaining()) {
        float v = values.get();
        if (Float.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      return c.activationParams(min, max);
    }
    TensorRange r = c.range(g, t);
    if (r == null) {
      throw new InvalidArgumentException("Tensor '" + t.name() + "' has no calibration range.");
    }
    return c.activationParams(r.min(), r.max());
  }
}
