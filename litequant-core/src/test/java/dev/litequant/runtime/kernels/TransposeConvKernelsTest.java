package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TransposeConvKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("transpose conv");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  /** x[in] -> TRANSPOSE_CONV(weights [outC, kh, kw, inC], optional bias) -> y[outShape]. */
  static Model transposeConv(int[] in, int outC, int kh, int kw, int strideH, int strideW, Padding padding,
      int[] outShape, boolean bias, long seed) {
    Random r = new Random(seed);
    Table o = Table.of("TransposeConvOptions").with("padding", padding.code()).with("stride_h", strideH)
        .with("stride_w", strideW);
    return KernelOracle.singleOp(BuiltinOperator.TRANSPOSE_CONV, bias ? 3 : 1, o, DataType.FLOAT32, outShape, b -> {
      List<Tensor> inputs = new ArrayList<>();
      inputs.add(b.constantInts("output_shape", outShape, 4));
      inputs.add(b.constant("weights", random(r, outC * kh * kw * in[3]), outC, kh, kw, in[3]));
      inputs.add(b.input("x", DataType.FLOAT32, in));
      if (bias) {
        inputs.add(b.constant("bias", random(r, outC), outC));
      }
      return inputs;
    });
  }

  /** The output size a converter writes: in * stride (SAME) or (in - 1) * stride + k (VALID). */
  static int outSize(Padding padding, int in, int k, int stride) {
    return padding == Padding.SAME ? in * stride : (in - 1) * stride + k;
  }

  @Test
  void stridesPaddingKernelsAndBias() {
    int[][] inputs = {{1, 4, 4, 3}, {2, 3, 5, 2}, {1, 5, 3, 1}};
    int[][] kernels = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {4, 4}, {5, 3}};
    int[][] strides = {{1, 1}, {2, 2}, {2, 1}, {3, 2}};
    long seed = 0;
    for (Padding padding : Padding.values()) {
      for (int[] k : kernels) {
        for (int[] s : strides) {
          for (boolean bias : new boolean[] {false, true}) {
            int[] in = inputs[(int) (seed % inputs.length)];
            int outC = 1 + (int) (seed % 4);
            int[] out = {in[0], outSize(padding, in[1], k[0], s[0]), outSize(padding, in[2], k[1], s[1]), outC};
            String label = "TRANSPOSE_CONV " + padding + " in " + Shapes.str(in) + " k " + k[0] + "x" + k[1]
                + " stride " + s[0] + "x" + s[1] + " out " + Shapes.str(out) + (bias ? " bias" : "");
            ORACLE.check(label, transposeConv(in, outC, k[0], k[1], s[0], s[1], padding, out, bias, seed), seed,
                -1f, 1f);
            seed++;
          }
        }
      }
    }
  }

  /**
   * Every output size whose forward convolution gives back the input (SAME one row short, VALID up
   * to stride - 1 extra) runs; the others are refused, since TensorFlow Lite computes garbage there.
   */
  @Test
  void outputSizesThatDecidePadding() {
    long seed = 500;
    int[] in = {1, 4, 4, 2};
    int refused = 0;
    for (Padding padding : Padding.values()) {
      for (int size = 6; size <= 11; size++) {
        for (int k : new int[] {2, 3, 4}) {
          int[] out = {1, size, size, 3};
          Model m = transposeConv(in, 3, k, k, 2, 2, padding, out, true, seed);
          String label = "TRANSPOSE_CONV " + padding + " k " + k + " stride 2 out " + Shapes.str(out);
          boolean consistent = ConvGeometry.of(padding, size, k, 2, 1).out() == 4;
          if (consistent) {
            ORACLE.check(label, m, seed, -1f, 1f);
          } else {
            var e = assertThrows(InvalidModelException.class,
                () -> Interpreter.create(m, InterpreterOptions.referenceKernels()), label);
            assertTrue(e.getMessage().contains("not the input's 4x4"), e.getMessage());
            refused++;
          }
          seed++;
        }
      }
    }
    assertTrue(refused > 0 && refused < 36, refused + " of 36 refused");
  }

  @Test
  void inconsistentModelsAreRefused() {
    int[] in = {1, 4, 4, 3};
    Model wrongChannels = transposeConv(in, 2, 3, 3, 2, 2, Padding.SAME, new int[] {1, 8, 8, 2}, false, 1);
    wrongChannels.mainSubgraph().tensors().get(1).setShape(Shape.of(2, 3, 3, 1))
        .setBuffer(Buffer.ofFloats(new float[18]));
    var e = ORACLE.checkRefused("weights for 1 input channel", wrongChannels, InvalidModelException.class);
    assertTrue(e.getMessage().contains("3 input channels"), e.getMessage());

    Model activation = transposeConv(in, 2, 3, 3, 2, 2, Padding.SAME, new int[] {1, 8, 8, 2}, true, 1);
    activation.mainSubgraph().operators().get(0).setOptions(activation.mainSubgraph().operators().get(0).options()
        .with("fused_activation_function", FusedActivation.RELU.code()));
    var u = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(activation, InterpreterOptions.referenceKernels()));
    assertTrue(u.getMessage().contains("fused activation code 1"), u.getMessage());
  }
}
