package dev.litequant.testing;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;

/** Small models built in code, shared by tests. */
public final class TinyModels {
  private TinyModels() {}

  /** x[1,4] -> FULLY_CONNECTED(3 units, RELU) -> ADD(bias2) -> y[1,3]. */
  public static Model fullyConnected() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4);
    float[] w = new float[12];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 5 - 2) * 0.25f;
    }
    Tensor weights = b.constant("dense/kernel", w, 3, 4);
    Tensor bias = b.constant("dense/bias", new float[] {0.1f, -0.2f, 0.3f}, 3);
    Tensor h = b.apply(BuiltinOperator.FULLY_CONNECTED,
        Table.of("FullyConnectedOptions").with("fused_activation_function", FusedActivation.RELU.code()),
        "dense/relu", DataType.FLOAT32, new int[] {1, 3}, x, weights, bias);
    Tensor c = b.constant("offset", new float[] {1f, 2f, 3f}, 3);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {1, 3}, h, c);
    return b.output(y).signature("serving_default").build();
  }
}
