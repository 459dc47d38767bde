package dev.litequant.quantize;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Pass 3: weights become symmetric int8 (per channel on the operator's axis, per tensor for
 * dense weights unless asked otherwise) and biases int32 (16x8: int64 unless asked otherwise) with
 * scale input x weight scale. A
 * constant shared by several operators is quantized once per way it is used; a bias whose int32
 * value would overflow widens its channel's weight scale, as the official quantizer does.
 */
final class QuantizeWeights {
  private QuantizeWeights() {}

  private record WeightKey(Tensor tensor, int axis) {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      Map<WeightKey, Tensor> weights = new HashMap<>();
      Map<Tensor, Map<String, Tensor>> biases = new IdentityHashMap<>();
      for (Operator op : g.operators()) {
        OpQuantSpec spec = c.quantized.get(op);
        if (spec == null || spec.biasWeights() < 0 && !hasWeights(spec)) {
          continue;
        }
        for (int k = 0; k < op.inputs().size(); k++) {
          InputRole role = spec.role(k);
          Tensor w = op.input(k);
          if (w == null || role != InputRole.WEIGHT_AXIS_0 && role != InputRole.WEIGHT_AXIS_3
              && role != InputRole.WEIGHT_DENSE) {
            continue;
          }
          int axis = switch (role) {
            case WEIGHT_AXIS_3 -> 3;
            case WEIGHT_DENSE -> c.options.perChannelDense() ? 0 : -1;
            default -> 0;
          };
          Tensor q = weights.computeIfAbsent(new WeightKey(w, axis), key -> g.addTensor(quantizeWeights(w, axis)));
          op.inputs().set(k, q);
          c.weightScales.put(op, q.quantization().scales());
        }
        if (spec.biasWeights() >= 0 && op.input(biasIndex(spec)) != null) {
          quantizeBias(c, g, op, spec, biases);
        }
      }
    }
  }

  private static boolean hasWeights(OpQuantSpec spec) {
    return spec.inputs().contains(InputRole.WEIGHT_AXIS_0) || spec.inputs().contains(InputRole.WEIGHT_AXIS_3)
        || spec.inputs().contains(InputRole.WEIGHT_DENSE);
  }

  static int biasIndex(OpQuantSpec spec) {
    return spec.inputs().indexOf(InputRole.BIAS);
  }

  private static Tensor quantizeWeights(Tensor w, int axis) {
    float[] values = floats(w);
    QuantParams.QuantizedWeights q = axis < 0 ? QuantParams.perTensor(values)
        : QuantParams.perChannel(values, w.shape().dims(), axis);
    Tensor t = new Tensor(w.name(), DataType.INT8, w.shape()).setHasRank(w.hasRank())
        .setShapeSignature(w.shapeSignature()).setBuffer(Buffer.copyOf(q.values()));
    t.setQuantization(axis < 0 ? Quantization.perTensor(q.scales()[0], 0)
        : Quantization.perAxis(q.scales(), new long[q.scales().length], axis));
    return t;
  }

  private static void quantizeBias(QuantizationContext c, Subgraph g, Operator op, OpQuantSpec spec,
      Map<Tensor, Map<String, Tensor>> biases) {
    int index = biasIndex(spec);
    Tensor b = op.input(index);
    float inputScale = c.params.get(op.input(spec.biasActivation())).scale();
    boolean int64 = c.activationType == DataType.INT16 && c.options.biasType() == BiasType.INT64;
    float[] weightScales = int64 ? c.weightScales.get(op) : widenForBias(c, g, op, spec, floats(b), inputScale);
    float[] scales = QuantParams.biasScales(inputScale, weightScales, b.shape().rank() == 0 ? 1
        : (int) b.shape().elementCount());
    String key = java.util.Arrays.toString(scales);
    Tensor q = biases.computeIfAbsent(b, x -> new HashMap<>()).computeIfAbsent(key, x -> {
      Buffer values = int64 ? Buffer.ofLongs(QuantParams.bias64(floats(b), inputScale, weightScales))
          : Buffer.ofInts(QuantParams.bias32(floats(b), inputScale, weightScales));
      Tensor t = new Tensor(b.name(), int64 ? DataType.INT64 : DataType.INT32, b.shape()).setHasRank(b.hasRank())
          .setShapeSignature(b.shapeSignature()).setBuffer(values);
      // Per-tensor weights give a per-tensor bias; per-channel weights a per-channel one.
      t.setQuantization(weightScales.length == 1 ? Quantization.perTensor(scales[0], 0)
          : Quantization.perAxis(scales, new long[scales.length], 0));
      return g.addTensor(t);
    });
    op.inputs().set(index, q);
  }

  /**
   * When a bias does not fit int32 at scale input x weight, the weight scale of that channel
   * grows until it does (and the weights are quantized again with it).
   */
  private static float[] widenForBias(QuantizationContext c, Subgraph g, Operator op, OpQuantSpec spec,
      float[] bias, float inputScale) {
    float[] scales = c.weightScales.get(op).clone();
    boolean widened = false;
    for (int i = 0; i < bias.length; i++) {
      int channel = scales.length == 1 ? 0 : i;
      double limit = (double) inputScale * scales[channel] * Integer.MAX_VALUE;
      if (Math.abs(bias[i]) > limit) {
        scales[channel] = (float) (Math.abs(bias[i]) / ((double) inputScale * Integer.MAX_VALUE) * 1.0001);
        widened = true;
      }
    }
    if (widened) {
      Tensor w = op.input(spec.biasWeights());
      Tensor requantized = requantizeWithScales(w, scales);
      g.addTensor(requantized);
      op.inputs().set(spec.biasWeights(), requantized);
      c.weightScales.put(op, scales);
      c.warnings.add("The bias of operator " + op.displayName() + " ('" + op.output(0).name() + "') is too large "
          + "for int32 at its weights' scale; the weight scale was widened to fit it.");
    }
    return scales;
  }

  private static Tensor requantizeWithScales(Tensor w, float[] scales) {
    Quantization old = w.quantization();
    byte[] q = w.buffer().toByteArray();
    int[] dims = w.shape().dims();
    int axis = old.isPerAxis() ? old.axis() : 0;
    int inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= dims[d];
    }
    byte[] out = new byte[q.length];
    for (int i = 0; i < q.length; i++) {
      int c = scales.length == 1 ? 0 : (i / inner) % dims[axis];
      float real = q[i] * old.scale(old.isPerAxis() ? c : 0);
      out[i] = (byte) Math.max(-127, Math.min(127,
          dev.litequant.quant.QuantMath.roundHalfAwayFromZero(real / scales[c])));
    }
    Tensor t = new Tensor(w.name(), DataType.INT8, w.shape()).setHasRank(w.hasRank()).setBuffer(Buffer.copyOf(out));
    t.setQuantization(scales.length == 1 ? Quantization.perTensor(scales[0], 0)
        : Quantization.perAxis(scales, new long[scales.length], axis));
    return t;
  }

  static float[] floats(Tensor t) {
    java.nio.FloatBuffer fb = t.buffer().view().asFloatBuffer();
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return v;
  }
}
