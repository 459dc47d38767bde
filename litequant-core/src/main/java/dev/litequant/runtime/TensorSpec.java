package dev.litequant.runtime;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;

/**
 * An input or output of an {@link Interpreter}.
 *
 * @param name the signature name when the model has a signature for the subgraph, else the tensor name
 * @param tensorName the tensor's own name in the model
 * @param quantization the tensor's quantization parameters, or null
 */
public record TensorSpec(String name, String tensorName, DataType type, Shape shape, Quantization quantization) {
  @Override
  public String toString() {
    return "'" + name + "' " + type.displayName() + shape;
  }
}
