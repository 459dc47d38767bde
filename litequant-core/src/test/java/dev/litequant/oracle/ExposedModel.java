package dev.litequant.oracle;

import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model rewritten so that every tensor an operator of the main subgraph produces is also a
 * subgraph output. The 2.6.2 Java API cannot read other tensors (their memory is reused), so this
 * is how tests observe intermediate values in the real interpreter.
 */
public final class ExposedModel {
  private final byte[] bytes;
  private final int originalOutputs;
  private final List<Integer> tensorIndices;

  private ExposedModel(byte[] bytes, int originalOutputs, List<Integer> tensorIndices) {
    this.bytes = bytes;
    this.originalOutputs = originalOutputs;
    this.tensorIndices = tensorIndices;
  }

  /** Rewrites {@code modelBytes}; the original model is not changed. */
  public static ExposedModel of(byte[] modelBytes) {
    Model model = ModelReader.read(modelBytes);
    Subgraph g = model.mainSubgraph();
    Set<Tensor> outputs = Collections.newSetFromMap(new IdentityHashMap<>());
    outputs.addAll(g.outputs());
    int original = g.outputs().size();
    List<Integer> indices = new ArrayList<>();
    for (Tensor t : g.outputs()) {
      indices.add(g.indexOf(t));
    }
    for (Operator op : g.operators()) {
      for (Tensor t : op.outputs()) {
        if (outputs.add(t)) {
          g.outputs().add(t);
          indices.add(g.indexOf(t));
        }
      }
    }
    return new ExposedModel(ModelWriter.write(model), original, List.copyOf(indices));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** Runs the exposed model in the oracle; returns every observed tensor's bytes by tensor index. */
  public Map<Integer, byte[]> run(List<byte[]> inputs) {
    Map<Integer, byte[]> byTensor = new LinkedHashMap<>();
    runWithShapes(inputs).forEach((k, v) -> byTensor.put(k, v.data()));
    return byTensor;
  }

  /** Like {@link #run}, with the shape the oracle computed for each tensor. */
  public Map<Integer, TfLiteOracle.Output> runWithShapes(List<byte[]> inputs) {
    List<TfLiteOracle.Output> out = TfLiteOracle.runWithShapes(bytes, inputs);
    Map<Integer, TfLiteOracle.Output> byTensor = new LinkedHashMap<>();
    for (int i = 0; i < out.size(); i++) {
      byTensor.put(tensorIndices.get(i), out.get(i));
    }
    return byTensor;
  }

  /** How many of the outputs were the model's own. */
  public int originalOutputCount() {
    return originalOutputs;
  }

  /** Main-subgraph tensor index of each output of the exposed model, in output order. */
  public List<Integer> tensorIndices() {
    return tensorIndices;
  }
}
