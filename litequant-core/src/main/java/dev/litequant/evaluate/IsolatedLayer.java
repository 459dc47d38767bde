package dev.litequant.evaluate;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One integer operator of the quantized model measured on its own, as TensorFlow Lite's
 * quantization debugger does: the same operator in float (weights and biases dequantized) runs on
 * the quantized operator's own inputs, dequantized, and its result is compared with the quantized
 * operator's output. What remains is the error this layer adds, not what it inherits, so an RMSE
 * of about 1/sqrt(12) of the output scale is rounding alone.
 */
final class IsolatedLayer {
  final int operatorIndex;
  private final Interpreter floatOp;
  /** For each float-op input, the quantized model's tensor index that feeds it. */
  private final List<Integer> feeds;
  private final int output;
  final ErrorStats stats = new ErrorStats();

  private IsolatedLayer(int operatorIndex, Interpreter floatOp, List<Integer> feeds, int output) {
    this.operatorIndex = operatorIndex;
    this.floatOp = floatOp;
    this.feeds = feeds;
    this.output = output;
  }

  /** The float twin of operator {@code index}, or null when it has none LiteQuant can run. */
  static IsolatedLayer of(Subgraph q, int index) {
    Operator op = q.operators().get(index);
    if (op.type() == null || op.is(BuiltinOperator.QUANTIZE) || op.is(BuiltinOperator.DEQUANTIZE)
        || op.outputs().size() != 1 || !TensorPairing.comparable(op.output(0))
        || op.output(0).type() == DataType.FLOAT32) {
      return null;
    }
    ModelBuilder b = new ModelBuilder();
    List<Tensor> inputs = new ArrayList<>();
    List<Integer> feeds = new ArrayList<>();
    for (Tensor t : op.inputs()) {
      if (t == null) {
        inputs.add(null);
      } else if (t.isConstant()) {
        inputs.add(isQuantized(t) ? b.constant(t.name(), dequantize(t), t.shape().dims())
            : b.constant(t.name(), t.type(), t.buffer(), t.shape().dims()));
      } else {
        inputs.add(b.input(t.name(), isQuantized(t) ? DataType.FLOAT32 : t.type(), t.shape().dims()));
        feeds.add(q.indexOf(t));
      }
    }
    Tensor out = b.tensor(op.output(0).name(), DataType.FLOAT32, op.output(0).shape().dims());
    b.operator(op.type(), op.options(), inputs, List.of(out));
    b.output(out);
    try {
      return new IsolatedLayer(index, Interpreter.create(b.build()), feeds, q.indexOf(op.output(0)));
    } catch (LiteQuantException e) {
      return null;
    }
  }

  /** The quantized model's tensors this layer reads and writes, by index. */
  List<Integer> tensors() {
    List<Integer> out = new ArrayList<>(feeds);
    out.add(output);
    return out;
  }

  /**
   * Runs the float twin on this sample's inputs of the operator and adds the comparison.
   *
   * @param values every tensor of the quantized model seen this sample, dequantized, by index
   */
  void measure(Map<Integer, float[]> values, Map<Integer, TensorValue> raw) {
    for (int i = 0; i < feeds.size(); i++) {
      int t = feeds.get(i);
      TensorValue r = raw.get(t);
      float[] v = values.get(t);
      if (v == null && r == null) {
        return;
      }
      floatOp.setInput(i, v != null ? TensorValue.ofFloats(floatOp.input(i).shape(), v) : r);
    }
    float[] actual = values.get(output);
    if (actual == null) {
      return;
    }
    floatOp.invoke();
    float[] reference = floatOp.getOutput(0).floats();
    if (reference.length == actual.length) {
      stats.add(reference, actual, actual.length);
    }
  }

  private static boolean isQuantized(Tensor t) {
    Quantization q = t.quantization();
    boolean integer = t.type() == DataType.INT8 || t.type() == DataType.UINT8 || t.type() == DataType.INT16
        || t.type() == DataType.INT32 || t.type() == DataType.INT64;
    return integer && q != null && q.hasScale();
  }

  /** {@code scale[c] * (q - zero_point[c])}, per axis where the tensor has several scales. */
  static float[] dequantize(Tensor t) {
    Quantization q = t.quantization();
    ByteBuffer b = t.buffer().view().order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) t.shape().elementCount();
    int[] dims = t.shape().dims();
    int axis = q.isPerAxis() ? q.axis() : -1;
    int inner = 1;
    for (int d = axis + 1; axis >= 0 && d < dims.length; d++) {
      inner *= dims[d];
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      long code = switch (t.type()) {
        case INT8 -> b.get(i);
        case UINT8 -> b.get(i) & 0xFF;
        case INT16 -> b.getShort(2 * i);
        case INT32 -> b.getInt(4 * i);
        case INT64 -> b.getLong(8 * i);
        default -> throw new IllegalStateException(t.type() + " is not an integer type");
      };
      int c = axis < 0 ? 0 : (i / inner) % dims[axis];
      out[i] = (float) (q.scale(c) * (double) (code - q.zeroPoint(c)));
    }
    return out;
  }
}
