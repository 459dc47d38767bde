package dev.litequant.oracle;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import java.util.List;

/**
 * A reference copy of a model for TensorFlow Lite 2.6.2, which computes an int8 FULLY_CONNECTED
 * with per-channel weights as a constant (it reads the per-tensor scale slot, which is 0). Each
 * such operator becomes RESHAPE to [rows, 1, 1, depth], a 1x1 CONV_2D with the same weights, bias
 * and activation, and RESHAPE back: the same integer arithmetic, which 2.6.2 gets right. The new
 * tensors are appended, so every original tensor keeps its index and the copy computes the same
 * values under the same indices.
 */
public final class PerChannelDenseAsConv {
  private PerChannelDenseAsConv() {}

  /** Whether the model has an operator this rewrite replaces. */
  public static boolean applies(Model model) {
    return model.mainSubgraph().operators().stream().anyMatch(PerChannelDenseAsConv::isPerChannelInt8Dense);
  }

  public static Model rewrite(Model model) {
    Model m = ModelReader.read(ModelWriter.write(model));
    Subgraph g = m.mainSubgraph();
    List<Operator> ops = g.operators();
    for (int i = ops.size() - 1; i >= 0; i--) {
      Operator op = ops.get(i);
      if (isPerChannelInt8Dense(op)) {
        ops.remove(i);
        ops.addAll(i, replacement(g, op, i));
      }
    }
    return m;
  }

  private static boolean isPerChannelInt8Dense(Operator op) {
    if (!op.is(BuiltinOperator.FULLY_CONNECTED) || op.inputs().size() < 2) {
      return false;
    }
    Tensor x = op.inputs().get(0);
    Tensor w = op.inputs().get(1);
    return x != null && x.type() == DataType.INT8 && w != null && w.quantization() != null
        && w.quantization().isPerAxis();
  }

  /** 2.6.2's int8 CONV_2D needs a bias; a zero one with the scales s_in * s_w[c] is the same. */
  private static Tensor zeroBias(Subgraph g, String p, Tensor x, Tensor w, int units) {
    Tensor b = g.addTensor(new Tensor(p + "zero_bias", DataType.INT32, Shape.of(units))).setHasRank(true);
    b.setBuffer(Buffer.ofInts(new int[units]));
    float[] scales = new float[units];
    long[] zeros = new long[units];
    for (int c = 0; c < units; c++) {
      scales[c] = x.quantization().scale() * w.quantization().scales()[c];
    }
    b.setQuantization(Quantization.perAxis(scales, zeros, 0));
    return b;
  }

  private static List<Operator> replacement(Subgraph g, Operator op, int index) {
    Tensor x = op.inputs().get(0);
    Tensor w = op.inputs().get(1);
    Tensor bias = op.inputs().size() > 2 ? op.inputs().get(2) : null;
    Tensor y = op.outputs().get(0);
    int units = w.shape().dims()[0];
    int depth = w.shape().dims()[1];
    int rows = (int) (x.shape().elementCount() / depth);
    String p = "fc" + index + "_as_conv/";
    Tensor x4 = g.addTensor(new Tensor(p + "x", DataType.INT8, Shape.of(rows, 1, 1, depth))).setHasRank(true);
    x4.setQuantization(x.quantization());
    Tensor w4 = g.addTensor(new Tensor(p + "w", DataType.INT8, Shape.of(units, 1, 1, depth))).setHasRank(true);
    w4.setBuffer(w.buffer());
    w4.setQuantization(w.quantization());
    Tensor y4 = g.addTensor(new Tensor(p + "y", DataType.INT8, Shape.of(rows, 1, 1, units))).setHasRank(true);
    y4.setQuantization(y.quantization());
    Tensor shape4 = g.addTensor(new Tensor(p + "shape4", DataType.INT32, Shape.of(4))).setHasRank(true);
    shape4.setBuffer(Buffer.ofInts(rows, 1, 1, depth));
    Tensor shapeOut = g.addTensor(new Tensor(p + "shape_out", DataType.INT32, Shape.of(y.shape().rank())))
        .setHasRank(true);
    shapeOut.setBuffer(Buffer.ofInts(y.shape().dims()));
    int activation = op.options() == null ? 0 : op.options().getInt("fused_activation_function");
    Operator in = Operator.of(BuiltinOperator.RESHAPE);
    in.inputs().addAll(List.of(x, shape4));
    in.outputs().add(x4);
    Operator conv = Operator.of(BuiltinOperator.CONV_2D).setOptions(Table.of("Conv2DOptions").with("stride_h", 1)
        .with("stride_w", 1).with("fused_activation_function", activation)).setVersion(3);
    conv.inputs().add(x4);
    conv.inputs().add(w4);
    conv.inputs().add(bias != null ? bias : zeroBias(g, p, x, w, units));
    conv.outputs().add(y4);
    Operator out = Operator.of(BuiltinOperator.RESHAPE);
    out.inputs().addAll(List.of(y4, shapeOut));
    out.outputs().add(y);
    return List.of(in, conv, out);
  }
}
