package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.KernelTestSupport.check;
import static dev.litequant.runtime.kernels.KernelTestSupport.randomConstant;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FULLY_CONNECTED and BATCH_MATMUL against TensorFlow Lite 2.6.2. */
class MatMulKernelsTest {
  @ParameterizedTest
  @CsvSource({"false,true,NONE", "false,false,RELU", "true,true,RELU6", "true,false,RELU_N1_TO_1"})
  void fullyConnectedMatchesTheOracle(boolean keepNumDims, boolean bias, FusedActivation act) {
    Random r = new Random(3);
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 2, 3, 20);
    Tensor w = randomConstant(b, r, "w", 7, 20);
    Tensor biasT = bias ? randomConstant(b, r, "b", 7) : null;
    Table o = Table.of("FullyConnectedOptions").with("keep_num_dims", keepNumDims)
        .with("fused_activation_function", act.code());
    Tensor y = b.tensor("y", DataType.FLOAT32, 1);
    b.operator(BuiltinOperator.FULLY_CONNECTED, o, Arrays.asList(x, w, biasT), List.of(y));
    check(b.output(y).build(), 7);
  }

  @Test
  void fullyConnectedWithRuntimeWeights() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4, 6);
    Tensor w = b.input("w", DataType.FLOAT32, 5, 6);
    Tensor y = b.tensor("y", DataType.FLOAT32, 1);
    b.operator(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), Arrays.asList(x, w), List.of(y));
    check(b.output(y).build(), 8);
  }

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void batchMatMulWithTransposesAndBroadcastBatches(boolean adjX, boolean adjY) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, adjX ? new int[] {2, 1, 5, 3} : new int[] {2, 1, 3, 5});
    Tensor w = b.input("w", DataType.FLOAT32, adjY ? new int[] {4, 6, 5} : new int[] {4, 5, 6});
    Tensor y = b.tensor("y", DataType.FLOAT32, 1);
    b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions").with("adj_x", adjX).with("adj_y", adjY),
        List.of(x, w), List.of(y));
    check(b.output(y).build(), 9);
  }
}
