package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SoftmaxKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("softmax and normalisations");
  private static final int[][] SHAPES = {{5}, {3, 7}, {2, 3, 4}, {1, 2, 3, 10}, {2, 1, 2, 3, 4}, {4, 1}};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model single(BuiltinOperator op, Table options, int[] shape) {
    return KernelOracle.singleOp(op, 1, options, DataType.FLOAT32, shape,
        b -> List.of(b.input("x", DataType.FLOAT32, shape)));
  }

  @Test
  void softmaxWithBetaOnEveryRank() {
    long seed = 0;
    for (int[] shape : SHAPES) {
      for (float beta : new float[] {1f, 0.5f, 2.5f, 0f}) {
        Model m = single(BuiltinOperator.SOFTMAX, Table.of("SoftmaxOptions").with("beta", beta), shape);
        ORACLE.check("SOFTMAX " + Shapes.str(shape) + " beta " + beta, m, seed++, -10f, 10f);
      }
    }
  }

  @Test
  void logSoftmaxOnEveryRank() {
    long seed = 50;
    for (int[] shape : SHAPES) {
      ORACLE.check("LOG_SOFTMAX " + Shapes.str(shape), single(BuiltinOperator.LOG_SOFTMAX,
          Table.of("LogSoftmaxOptions"), shape), seed++, -10f, 10f);
    }
  }

  @Test
  void l2NormalizationClampsTheNormAtEpsilon() {
    long seed = 80;
    for (int[] shape : SHAPES) {
      if (shape.length > 4) {
        continue; // TensorFlow Lite 2.6.2's L2_NORMALIZATION takes at most 4 dimensions.
      }
      ORACLE.check("L2_NORMALIZATION " + Shapes.str(shape), single(BuiltinOperator.L2_NORMALIZATION,
          Table.of("L2NormOptions"), shape), seed++, -3f, 3f);
    }
    // Rows whose norm is zero, below epsilon (1e-8 * 2 = 2e-8) and just above it.
    float[] v = {0f, 0f, 0f, 0f, 1e-8f, -1e-8f, 1e-8f, 1e-8f, 6e-7f, 6e-7f, -6e-7f, 6e-7f, 1f, 2f, -3f, 0.5f};
    Model m = single(BuiltinOperator.L2_NORMALIZATION, Table.of("L2NormOptions"), new int[] {4, 4});
    ORACLE.check("L2_NORMALIZATION tiny rows (row 2)", m, List.of(TensorValue.ofFloats(Shape.of(4, 4), v)));
    // One tensor per tiny row, so the tolerance is relative to that row alone.
    for (int row = 0; row < 3; row++) {
      float[] one = java.util.Arrays.copyOfRange(v, row * 4, row * 4 + 4);
      ORACLE.check("L2_NORMALIZATION row " + row, single(BuiltinOperator.L2_NORMALIZATION, Table.of("L2NormOptions"),
          new int[] {1, 4}), List.of(TensorValue.ofFloats(Shape.of(1, 4), one)));
    }
  }

  @Test
  void scalarSoftmaxIsRefusedByBoth() {
    Model m = single(BuiltinOperator.SOFTMAX, Table.of("SoftmaxOptions").with("beta", 1f), new int[0]);
    var e = ORACLE.checkRefused("SOFTMAX scalar", m, dev.litequant.InvalidModelException.class);
    assertTrue(e.getMessage().contains("rank >= 1"), e.getMessage());
  }

  @Test
  void l2NormalizationWithActivationIsRefusedByBoth() {
    Model m = single(BuiltinOperator.L2_NORMALIZATION,
        Table.of("L2NormOptions").with("fused_activation_function", FusedActivation.RELU.code()), new int[] {2, 3});
    var e = ORACLE.checkRefused("L2_NORMALIZATION RELU", m, UnsupportedModelException.class);
    assertTrue(e.getMessage().contains("activation code 1"), e.getMessage());
  }

  @Test
  void localResponseNormalizationWindows() {
    Random r = new Random(5);
    int n = 0;
    for (int radius : new int[] {0, 1, 2, 5, 20}) {
      for (float[] bab : new float[][] {{1f, 1f, 0.5f}, {2f, 1e-4f, 0.75f}, {0.5f, 0.1f, 1f}, {1f, 0.3f, 0.3f}}) {
        int[] shape = n % 2 == 0 ? new int[] {1, 2, 3, 10} : new int[] {2, 4, 4, 7};
        Table o = Table.of("LocalResponseNormalizationOptions").with("radius", radius).with("bias", bab[0])
            .with("alpha", bab[1]).with("beta", bab[2]);
        String label = "LRN " + Shapes.str(shape) + " radius " + radius + " bias " + bab[0] + " alpha " + bab[1]
            + " beta " + bab[2];
        ORACLE.check(label, single(BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, o, shape), r.nextLong(), -2f, 2f);
        n++;
      }
    }
  }
}
