package dev.litequant.oracle;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;

/**
 * A reference for models TensorFlow Lite 2.6.2 computes wrongly: every DEQUANTIZE of a constant
 * per-axis int8 tensor (which 2.6.2 turns into zeros) is replaced by a float32 constant computed
 * here by hand, {@code scale[c] * (q - zero_point[c])}. Tensor indices are unchanged, so the
 * oracle's tensors still line up with LiteQuant's on the original model.
 */
public final class DequantizedByHand {
  private DequantizedByHand() {}

  /** Whether the model has a DEQUANTIZE that 2.6.2 gets wrong. */
  public static boolean needed(Model m) {
    for (Subgraph g : m.subgraphs()) {
      for (Operator op : g.operators()) {
        if (isPerAxisConstantDequantize(op)) {
          return true;
        }
      }
    }
    return false;
  }

  public static Model rewrite(Model model) {
    Model m = ModelReader.read(ModelWriter.write(model));
    for (Subgraph g : m.subgraphs()) {
      for (Iterator<Operator> it = g.operators().iterator(); it.hasNext(); ) {
        Operator op = it.next();
        if (isPerAxisConstantDequantize(op)) {
          Tensor q = op.inputs().get(0);
          Tensor out = op.outputs().get(0);
          out.setBuffer(Buffer.copyOf(dequantize(q)));
          it.remove();
        }
      }
    }
    return m;
  }

  /**
   * A reference for hybrid operators with per-axis int8 weights (float input, int8 constant
   * weights), which 2.6.2 also gets wrong: their weights become a float32 constant dequantized by
   * hand. The float operator then differs from a correct hybrid one only by the hybrid kernel's
   * on-the-fly input quantization. The new constants are appended, so indices are unchanged.
   */
  public static Model withHybridWeightsDequantized(Model model) {
    Model m = ModelReader.read(ModelWriter.write(model));
    for (Subgraph g : m.subgraphs()) {
      for (Operator op : g.operators()) {
        if (op.inputs().size() < 2 || op.inputs().get(0) == null || op.inputs().get(1) == null) {
          continue;
        }
        Tensor x = op.inputs().get(0);
        Tensor w = op.inputs().get(1);
        if (x.type() == DataType.FLOAT32 && w.isConstant() && w.type() == DataType.INT8 && w.quantization() != null
            && w.quantization().isPerAxis()) {
          Tensor f = g.addTensor(new Tensor(w.name() + "_by_hand", DataType.FLOAT32, w.shape()).setHasRank(true));
          f.setBuffer(Buffer.copyOf(dequantize(w)));
          op.inputs().set(1, f);
        }
      }
    }
    return m;
  }

  private static boolean isPerAxisConstantDequantize(Operator op) {
    if (!op.is(dev.litequant.graph.BuiltinOperator.DEQUANTIZE)) {
      return false;
    }
    Tensor in = op.inputs().get(0);
    return in.isConstant() && in.type() == DataType.INT8 && in.quantization() != null
        && in.quantization().isPerAxis();
  }

  private static byte[] dequantize(Tensor q) {
    Quantization quant = q.quantization();
    int[] dims = q.shape().dims();
    int axis = quant.axis();
    int inner = 1;
    for (int d = axis + 1; d < dims.length; d++) {
      inner *= dims[d];
    }
    ByteBuffer data = q.buffer().view();
    int n = data.remaining();
    ByteBuffer out = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      int c = (i / inner) % dims[axis];
      out.putFloat(quant.scale(c) * (data.get(i) - quant.zeroPoint(c)));
    }
    return out.array();
  }
}
