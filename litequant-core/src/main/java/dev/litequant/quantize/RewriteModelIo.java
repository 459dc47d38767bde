package dev.litequant.quantize;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pass 6: the model's inputs and outputs in the requested type. int8 removes the edge QUANTIZE /
 * DEQUANTIZE and retypes the input or output tensor itself (so signatures keep pointing at it);
 * uint8 keeps the scale, adds 128 to the zero point and turns the edge operator into a uint8/int8
 * requantization. Float inputs or outputs that no int8 operator touches get a conversion of their
 * own when an integer type is asked for.
 */
final class RewriteModelIo {
  private RewriteModelIo() {}

  static void apply(QuantizationContext c) {
    for (Subgraph g : c.subgraphs) {
      if (c.options.inputType() != IoType.FLOAT32) {
        for (Tensor in : List.copyOf(g.inputs())) {
          if (in.type() == DataType.FLOAT32) {
            rewriteInput(c, g, in, c.options.inputType());
          }
        }
      }
      if (c.options.outputType() != IoType.FLOAT32) {
        for (Tensor out : List.copyOf(g.outputs())) {
          if (out.type() == DataType.FLOAT32) {
            rewriteOutput(c, g, out, c.options.outputType());
          }
        }
      }
    }
  }

  private static Quantization shifted(Quantization q, IoType type) {
    return type == IoType.UINT8 ? Quantization.perTensor(q.scale(), q.zeroPoint() + 128) : q;
  }

  private static void rewriteInput(QuantizationContext c, Subgraph g, Tensor in, IoType type) {
    Operator conversion = null;
    for (Operator op : g.operators()) {
      if (op.is(BuiltinOperator.QUANTIZE) && op.input(0) == in) {
        conversion = op;
        break;
      }
    }
    Quantization q = conversion != null ? conversion.output(0).quantization() : c.params.get(in);
    if (q == null) {
      q = c.activationParams(c.range(g, in).min(), c.range(g, in).max());
    }
    List<Operator> floatUsers = new ArrayList<>();
    for (Operator op : g.operators()) {
      if (op != conversion && op.inputs().contains(in)) {
        floatUsers.add(op);
      }
    }
    in.setType(type.dataType()).setQuantization(shifted(q, type));
    if (conversion != null && type.dataType() == c.activationType) {
      Tensor int8 = conversion.output(0);
      for (Operator op : g.operators()) {
        GraphEdits.replaceInput(op, int8, in);
      }
      g.operators().remove(conversion);
    }
    if (!floatUsers.isEmpty()) {
      Tensor f = GraphEdits.activation(g, in, in.name() + "_dequantize", DataType.FLOAT32, null);
      for (Operator op : floatUsers) {
        GraphEdits.replaceInput(op, in, f);
      }
      g.operators().add(0, GraphEdits.dequantize(in, f));
    }
  }

  private static void rewriteOutput(QuantizationContext c, Subgraph g, Tensor out, IoType type) {
    Map<Tensor, Operator> producers = g.producers();
    Operator producer = producers.get(out);
    if (producer != null && producer.is(BuiltinOperator.DEQUANTIZE)
        && producer.input(0).type() == c.activationType) {
      Tensor int8 = producer.input(0);
      Quantization q = int8.quantization();
      List<Operator> floatUsers = g.operators().stream().filter(op -> op.inputs().contains(out)).toList();
      int at = g.operators().indexOf(producer);
      if (floatUsers.isEmpty()) {
        g.operators().remove(producer);
      } else {
        // Float operators that read this output keep reading float, from the existing DEQUANTIZE.
        Tensor f = GraphEdits.activation(g, out, out.name() + "_dequantize", DataType.FLOAT32, null);
        GraphEdits.replaceOutput(producer, out, f);
        for (Operator op : floatUsers) {
          GraphEdits.replaceInput(op, out, f);
        }
        at++;
      }
      out.setType(type.dataType()).setQuantization(shifted(q, type));
      if (type.dataType() == c.activationType) {
        // The int8 operator writes the output tensor itself; every reader of the int8 copy follows.
        GraphEdits.replaceOutput(producers.get(int8), int8, out);
        for (Operator op : g.operators()) {
          GraphEdits.replaceInput(op, int8, out);
        }
      } else {
        g.operators().add(at, GraphEdits.quantize(int8, out));
      }
      return;
    }
    // A float operator writes this output: convert its result.
    Quantization q = c.params.get(out);
    if (q == null) {
      q = c.activationParams(c.range(g, out).min(), c.range(g, out).max());
    }
    Tensor f = GraphEdits.activation(g, out, out.name() + "_float", DataType.FLOAT32, null);
    if (producer != null) {
      GraphEdits.replaceOutput(producer, out, f);
    }
    for (Operator op : g.operators()) {
      GraphEdits.replaceInput(op, out, f);
    }
    out.setType(type.dataType()).setQuantization(shifted(q, type));
    int at = producer == null ? 0 : g.operators().indexOf(producer) + 1;
    g.operators().add(at, GraphEdits.quantize(f, out));
  }
}
