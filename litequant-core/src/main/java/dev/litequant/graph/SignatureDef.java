package dev.litequant.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named entry point of a model: a subgraph, and aliases for some of its input and output
 * tensors. The maps are live, ordered as in the file, and refer to tensors by identity.
 */
public final class SignatureDef {
  private String key;
  private Subgraph subgraph;
  private final Map<String, Tensor> inputs = new LinkedHashMap<>();
  private final Map<String, Tensor> outputs = new LinkedHashMap<>();

  public SignatureDef(String key, Subgraph subgraph) {
    this.key = key;
    this.subgraph = Objects.requireNonNull(subgraph, "subgraph");
  }

  /** The signature key (e.g. {@code serving_default}), or null when the file has none. */
  public String key() {
    return key;
  }

  public SignatureDef setKey(String key) {
    this.key = key;
    return this;
  }

  public Subgraph subgraph() {
    return subgraph;
  }

  public SignatureDef setSubgraph(Subgraph subgraph) {
    this.subgraph = Objects.requireNonNull(subgraph, "subgraph");
    return this;
  }

  public Map<String, Tensor> inputs() {
    return inputs;
  }

  public Map<String, Tensor> outputs() {
    return outputs;
  }

  @Override
  public String toString() {
    return "signature '" + key + "'";
  }
}
