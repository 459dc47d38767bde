package dev.litequant.quantize;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorValue;
import java.util.Iterator;

/**
 * Pass 0: a DEQUANTIZE of constant weights (a weight-only or float16 model) becomes the float
 * constant it computes, so that the operators reading it can be quantized like any other. The
 * values come from LiteQuant's own DEQUANTIZE kernel (which gets per-axis weights right).
 */
final class FoldConstantDequantize {
  private FoldConstantDequantize() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      for (Iterator<Operator> it = g.operators().iterator(); it.hasNext(); ) {
        Operator op = it.next();
        if (!op.is(BuiltinOperator.DEQUANTIZE) || op.input(0) == null || !op.input(0).isConstant()) {
          continue;
        }
        Tensor out = op.output(0);
        out.setBuffer(Buffer.copyOf(dequantized(op)));
        it.remove();
        c.decisions.add(new OperatorDecision(c.model.indexOf(g), c.originalIndex.get(op), op.displayName(),
            OperatorDecision.Outcome.REMOVED, "a DEQUANTIZE of constant weights, folded into them"));
      }
    }
  }

  /** Runs the one operator in the interpreter, whose folding computes it at preparation. */
  private static byte[] dequantized(Operator op) {
    dev.litequant.graph.ModelBuilder b = new dev.litequant.graph.ModelBuilder();
    Tensor in = op.input(0);
    Tensor q = b.constant("q", in.type(), in.buffer(), in.shape().dims());
    q.setQuantization(in.quantization());
    Tensor f = b.apply(BuiltinOperator.DEQUANTIZE, null, "f", op.output(0).type(), op.output(0).shape().dims(), q);
    Interpreter interpreter = Interpreter.create(b.output(f).build());
    interpreter.invoke();
    TensorValue v = interpreter.getOutput(0);
    return v.toBytes();
  }
}
