package dev.litequant.runtime.kernels;

import dev.litequant.graph.Model;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.testing.SharedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shared single-operator models of pooling, reduction, resize and transpose convolution, run
 * against TensorFlow Lite 2.6.2 on random inputs (whole models are in {@code FloatModelsTest}).
 */
class SharedModelWindowKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("shared models with window/reduction operators");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  @Test
  void singleOperatorModels() {
    for (String name : new String[] {"single_max_pool_2d", "single_mean", "single_sum", "single_reduce_min",
        "single_resize_bilinear", "single_resize_nearest_neighbor", "single_conv2d_transpose_bias"}) {
      Model m = ModelReader.read(SharedModels.path("ai-edge-quantizer/" + name + ".tflite"));
      for (long seed = 1; seed <= 3; seed++) {
        ORACLE.check(name + " seed " + seed, m, OracleComparison.randomInputs(m, seed, -1f, 1f));
      }
    }
  }
}
