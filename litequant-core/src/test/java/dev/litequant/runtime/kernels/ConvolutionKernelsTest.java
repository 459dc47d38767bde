package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.KernelTestSupport.check;
import static dev.litequant.runtime.kernels.KernelTestSupport.randomConstant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CONV_2D and DEPTHWISE_CONV_2D against TensorFlow Lite 2.6.2 across geometries and activations. */
class ConvolutionKernelsTest {
  static Stream<Arguments> geometries() {
    // input h, w, kernel h, w, stride h, w, dilation h, w, padding, activation, bias
    return Stream.of(
        Arguments.of(8, 8, 3, 3, 1, 1, 1, 1, Padding.SAME, FusedActivation.NONE, true),
        Arguments.of(9, 7, 3, 3, 2, 2, 1, 1, Padding.SAME, FusedActivation.RELU, true),
        Arguments.of(9, 7, 3, 2, 2, 1, 1, 1, Padding.VALID, FusedActivation.RELU6, false),
        Arguments.of(10, 10, 3, 3, 1, 1, 2, 2, Padding.SAME, FusedActivation.RELU_N1_TO_1, true),
        Arguments.of(11, 9, 5, 3, 3, 2, 1, 2, Padding.VALID, FusedActivation.NONE, true),
        Arguments.of(6, 6, 1, 1, 1, 1, 1, 1, Padding.VALID, FusedActivation.RELU, true),
        Arguments.of(5, 5, 5, 5, 1, 1, 1, 1, Padding.SAME, FusedActivation.NONE, true),
        Arguments.of(7, 4, 2, 2, 2, 2, 1, 1, Padding.SAME, FusedActivation.TANH, true));
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void conv2dMatchesTheOracle(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, Padding pad,
      FusedActivation act, boolean bias) {
    Random r = new Random(h * 31 + w);
    ModelBuilder b = new ModelBuilder();
    int inC = 3;
    int outC = 5;
    Tensor x = b.input("x", DataType.FLOAT32, 2, h, w, inC);
    Tensor filter = randomConstant(b, r, "filter", outC, kh, kw, inC);
    Tensor biasT = bias ? randomConstant(b, r, "bias", outC) : b.constant("bias", new float[outC], outC);
    Table o = Table.of("Conv2DOptions").with("padding", pad.code()).with("stride_h", sh).with("stride_w", sw)
        .with("dilation_h_factor", dh).with("dilation_w_factor", dw).with("fused_activation_function", act.code());
    Tensor y = b.tensor("y", DataType.FLOAT32, 1);
    b.operator(BuiltinOperator.CONV_2D, o, java.util.List.of(x, filter, biasT), java.util.List.of(y));
    Model m = b.output(y).build();
    assertEquals(1, check(m, 5).tensorsCompared());
    if (!bias) {
      // TensorFlow Lite 2.6.2 requires the bias; LiteQuant also runs without one, as a zero bias.
      assertSameWithoutBias(m);
    }
  }

  @ParameterizedTest
  @MethodSource("geometries")
  void depthwiseMatchesTheOracle(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, Padding pad,
      FusedActivation act, boolean bias) {
    for (int multiplier : new int[] {1, 2}) {
      Random r = new Random(h * 17 + multiplier);
      ModelBuilder b = new ModelBuilder();
      int inC = 4;
      int outC = inC * multiplier;
      Tensor x = b.input("x", DataType.FLOAT32, 1, h, w, inC);
      Tensor filter = randomConstant(b, r, "filter", 1, kh, kw, outC);
      Tensor biasT = bias ? randomConstant(b, r, "bias", outC) : b.constant("bias", new float[outC], outC);
      Table o = Table.of("DepthwiseConv2DOptions").with("padding", pad.code()).with("stride_h", sh)
          .with("stride_w", sw).with("dilation_h_factor", dh).with("dilation_w_factor", dw)
          .with("depth_multiplier", multiplier).with("fused_activation_function", act.code());
      Tensor y = b.tensor("y", DataType.FLOAT32, 1);
      b.operator(BuiltinOperator.DEPTHWISE_CONV_2D, o, java.util.List.of(x, filter, biasT), java.util.List.of(y));
      Model m = b.output(y).build();
      check(m, 6);
      if (!bias) {
        assertSameWithoutBias(m);
      }
    }
  }

  /** The model with its zero bias removed computes exactly the same output. */
  private static void assertSameWithoutBias(Model withZeroBias) {
    java.util.List<dev.litequant.runtime.TensorValue> in =
        dev.litequant.runtime.OracleComparison.randomInputs(withZeroBias, 11, -2, 2);
    Interpreter a = Interpreter.create(withZeroBias);
    a.setInput(0, in.get(0));
    a.invoke();
    withZeroBias.mainSubgraph().operators().get(0).inputs().remove(2);
    Interpreter c = Interpreter.create(withZeroBias);
    c.setInput(0, in.get(0));
    c.invoke();
    org.junit.jupiter.api.Assertions.assertArrayEquals(a.getOutput(0).floats(), c.getOutput(0).floats());
  }

  @org.junit.jupiter.api.Test
  void mismatchedBiasIsAnInvalidModelNamingTheOperator() {
    Random r = new Random(1);
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 4, 4, 2);
    Tensor filter = randomConstant(b, r, "filter", 3, 1, 1, 2);
    Tensor bias = randomConstant(b, r, "bias", 7);
    Tensor y = b.apply(BuiltinOperator.CONV_2D, Table.of("Conv2DOptions").with("stride_h", 1).with("stride_w", 1),
        "y", DataType.FLOAT32, new int[] {1, 4, 4, 3}, x, filter, bias);
    Model m = b.output(y).build();
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(m));
    assertEquals("Operator 0 (CONV_2D) of subgraph 0 has bias tensor 2 'bias' float32[7] for 3 output channels.",
        e.getMessage());
  }
}
