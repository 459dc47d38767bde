package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PoolingKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("pooling");
  private static final BuiltinOperator[] OPS = {
      BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.L2_POOL_2D};
  private static final FusedActivation[] ACTS = {
      FusedActivation.NONE, FusedActivation.RELU, FusedActivation.RELU6, FusedActivation.RELU_N1_TO_1,
      FusedActivation.TANH};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Table options(Padding padding, int strideH, int strideW, int filterH, int filterW, FusedActivation act) {
    return Table.of("Pool2DOptions").with("padding", padding.code()).with("stride_h", strideH)
        .with("stride_w", strideW).with("filter_height", filterH).with("filter_width", filterW)
        .with("fused_activation_function", act.code());
  }

  static Model pool(BuiltinOperator op, int[] in, Padding padding, int strideH, int strideW, int filterH, int filterW,
      FusedActivation act) {
    ConvGeometry rows = ConvGeometry.of(padding, in[1], filterH, strideH, 1);
    ConvGeometry cols = ConvGeometry.of(padding, in[2], filterW, strideW, 1);
    return KernelOracle.singleOp(op, 1, options(padding, strideH, strideW, filterH, filterW, act), DataType.FLOAT32,
        new int[] {in[0], rows.out(), cols.out(), in[3]}, b -> List.of(b.input("x", DataType.FLOAT32, in)));
  }

  @Test
  void windowsStridesPaddingAndActivationsMatchTfLite() {
    int[][] shapes = {{1, 5, 7, 3}, {2, 8, 8, 2}, {1, 6, 5, 1}, {1, 9, 4, 4}};
    int[][] filters = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {4, 5}};
    int[][] strides = {{1, 1}, {2, 2}, {3, 1}, {2, 3}};
    int n = 0;
    for (BuiltinOperator op : OPS) {
      for (Padding padding : Padding.values()) {
        for (int[] f : filters) {
          for (int[] s : strides) {
            int[] shape = shapes[n % shapes.length];
            FusedActivation act = ACTS[(n / 3) % ACTS.length];
            if (padding == Padding.VALID && (f[0] > shape[1] || f[1] > shape[2])) {
              continue;
            }
            String label = op + " " + padding + " in " + Shapes.str(shape) + " filter " + f[0] + "x" + f[1]
                + " stride " + s[0] + "x" + s[1] + " " + act;
            ORACLE.check(label, pool(op, shape, padding, s[0], s[1], f[0], f[1], act), n, -8f, 8f);
            n++;
          }
        }
      }
    }
  }

  @Test
  void filterLargerThanImageWithSamePaddingAveragesOnlyInsideTaps() {
    for (BuiltinOperator op : OPS) {
      ORACLE.check(op + " 5x5 on 2x3", pool(op, new int[] {1, 2, 3, 2}, Padding.SAME, 1, 1, 5, 5,
          FusedActivation.NONE), 7, -1f, 1f);
      ORACLE.check(op + " 3x3 stride 4 on 7x7", pool(op, new int[] {1, 7, 7, 1}, Padding.SAME, 4, 4, 3, 3,
          FusedActivation.NONE), 8, -1f, 1f);
      ORACLE.check(op + " whole image", pool(op, new int[] {2, 4, 6, 3}, Padding.VALID, 1, 1, 4, 6,
          FusedActivation.RELU), 9, -1f, 1f);
    }
  }

  @Test
  void validWindowLargerThanImageIsRefusedByBoth() {
    var e = ORACLE.checkRefused("VALID 5x5 on 4x4", pool(BuiltinOperator.MAX_POOL_2D, new int[] {1, 4, 4, 1},
        Padding.VALID, 1, 1, 5, 5, FusedActivation.NONE), InvalidModelException.class);
    assertTrue(e.getMessage().contains("5x5") && e.getMessage().contains("4x4"), e.getMessage());
  }

  @Test
  void nonFloatInputIsUnsupportedAndBadStrideInvalid() {
    // int8 AVERAGE and MAX pooling are implemented (QuantizedPoolReduceKernelsTest); L2 is float only.
    Model int8 = KernelOracle.singleOp(BuiltinOperator.L2_POOL_2D, 1,
        options(Padding.VALID, 1, 1, 2, 2, FusedActivation.NONE), DataType.INT8, new int[] {1, 3, 3, 1}, b -> {
          var x = b.input("x", DataType.INT8, 1, 4, 4, 1);
          x.setQuantization(Quantization.perTensor(0.5f, 0));
          return List.of(x);
        });
    int8.mainSubgraph().tensors().get(1).setQuantization(Quantization.perTensor(0.5f, 0));
    var e = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(int8, InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("int8"), e.getMessage());

    Model zeroStride = pool(BuiltinOperator.AVERAGE_POOL_2D, new int[] {1, 4, 4, 1}, Padding.VALID, 1, 1, 2, 2,
        FusedActivation.NONE);
    zeroStride.mainSubgraph().operators().get(0)
        .setOptions(options(Padding.VALID, 0, 1, 2, 2, FusedActivation.NONE));
    var invalid = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(zeroStride, InterpreterOptions.referenceKernels()));
    assertTrue(invalid.getMessage().contains("0x1"), invalid.getMessage());
  }
}
