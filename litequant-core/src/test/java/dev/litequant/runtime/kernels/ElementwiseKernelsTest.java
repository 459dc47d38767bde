package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.KernelTestSupport.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Binary and unary elementwise kernels against TensorFlow Lite 2.6.2. */
class ElementwiseKernelsTest {
  private static final int[][][] BROADCASTS = {
    {{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{1}, {2, 5}}, {{3, 1, 2, 1}, {1, 4, 1, 5}}
  };

  private static Model binary(BuiltinOperator op, Table options, DataType type, int[] a, int[] b) {
    ModelBuilder mb = new ModelBuilder();
    Tensor x = mb.input("a", type, a);
    Tensor y = mb.input("b", type, b);
    DataType out = switch (op) {
      case EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL -> DataType.BOOL;
      default -> type;
    };
    Tensor z = mb.apply(op, options, "z", out, new int[] {1}, x, y);
    return mb.output(z).build();
  }

  @ParameterizedTest
  @EnumSource(value = BuiltinOperator.class, names = {"ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE",
      "MAXIMUM", "MINIMUM", "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"})
  void floatBinaryOpsBroadcast(BuiltinOperator op) {
    for (int[][] shapes : BROADCASTS) {
      Table options = switch (op) {
        case ADD -> Table.of("AddOptions").with("fused_activation_function", FusedActivation.RELU6.code());
        case SUB -> Table.of("SubOptions").with("fused_activation_function", FusedActivation.RELU_N1_TO_1.code());
        case MUL -> Table.of("MulOptions").with("fused_activation_function", FusedActivation.RELU.code());
        case DIV -> Table.of("DivOptions");
        default -> null;
      };
      assertEquals(1, check(binary(op, options, DataType.FLOAT32, shapes[0], shapes[1]), op.code()).tensorsCompared());
    }
  }

  @ParameterizedTest
  @EnumSource(value = BuiltinOperator.class, names = {"ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM", "LESS", "EQUAL"})
  void int32BinaryOps(BuiltinOperator op) {
    Table options = switch (op) {
      case ADD -> Table.of("AddOptions");
      case SUB -> Table.of("SubOptions");
      case MUL -> Table.of("MulOptions");
      default -> null;
    };
    check(binary(op, options, DataType.INT32, new int[] {2, 3}, new int[] {3}), 3);
  }

  @ParameterizedTest
  @EnumSource(value = BuiltinOperator.class, names = {"ABS", "NEG", "EXP", "SQRT", "RSQRT", "SIN", "COS",
      "SQUARE", "LOGISTIC", "TANH", "RELU", "RELU6", "RELU_N1_TO_1", "HARD_SWISH", "ELU", "FLOOR", "CEIL", "ROUND",
      "LOG"})
  void floatUnaryOps(BuiltinOperator op) {
    ModelBuilder mb = new ModelBuilder();
    Tensor x = mb.input("x", DataType.FLOAT32, 3, 7, 5);
    Tensor in = x;
    if (op == BuiltinOperator.SQRT || op == BuiltinOperator.RSQRT || op == BuiltinOperator.LOG) {
      // Keep the domain positive: these are the same data through ABS first.
      in = mb.apply(BuiltinOperator.ABS, null, "abs", DataType.FLOAT32, new int[] {3, 7, 5}, x);
    }
    Tensor y = mb.apply(op, null, "y", DataType.FLOAT32, new int[] {3, 7, 5}, in);
    check(mb.output(y).build(), op.code());
  }

  @ParameterizedTest
  @ValueSource(floats = {0.01f, 0.2f, 1.5f})
  void leakyRelu(float alpha) {
    ModelBuilder mb = new ModelBuilder();
    Tensor x = mb.input("x", DataType.FLOAT32, 2, 9);
    Tensor y = mb.apply(BuiltinOperator.LEAKY_RELU, Table.of("LeakyReluOptions").with("alpha", alpha), "y",
        DataType.FLOAT32, new int[] {2, 9}, x);
    check(mb.output(y).build(), 12);
  }

  @Test
  void preluBroadcastsAlpha() {
    ModelBuilder mb = new ModelBuilder();
    Tensor x = mb.input("x", DataType.FLOAT32, 1, 4, 4, 3);
    Tensor alpha = mb.constant("alpha", new float[] {0.1f, -0.5f, 2f}, 1, 1, 3);
    Tensor y = mb.apply(BuiltinOperator.PRELU, null, "y", DataType.FLOAT32, new int[] {1, 4, 4, 3}, x, alpha);
    check(mb.output(y).build(), 13);
  }

  @Test
  void castBetweenTypes() {
    ModelBuilder mb = new ModelBuilder();
    Tensor x = mb.input("x", DataType.FLOAT32, 12);
    Tensor i = mb.apply(BuiltinOperator.CAST, null, "i", DataType.INT32, new int[] {12}, x);
    Tensor f = mb.apply(BuiltinOperator.CAST, null, "f", DataType.FLOAT32, new int[] {12}, i);
    Tensor b = mb.apply(BuiltinOperator.CAST, null, "b", DataType.BOOL, new int[] {12}, i);
    check(mb.output(f, b).build(), 14);
  }

  /** GELU is unknown to TensorFlow Lite 2.6.2 (builtin code 150): checked against its formulas. */
  @Test
  void geluFollowsItsDefinition() {
    for (boolean approximate : new boolean[] {false, true}) {
      ModelBuilder mb = new ModelBuilder();
      Tensor x = mb.input("x", DataType.FLOAT32, 7);
      Tensor y = mb.apply(BuiltinOperator.GELU, Table.of("GeluOptions").with("approximate", approximate), "y",
          DataType.FLOAT32, new int[] {7}, x);
      Interpreter it = Interpreter.create(mb.output(y).build());
      float[] in = {-3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f};
      // Hand-evaluated GELU(x) = x * Phi(x) at these points (exact, and tanh approximation).
      float[] exact = {-0.0040496f, -0.1586553f, -0.1542687f, 0f, 0.3457313f, 0.8413447f, 2.9959503f};
      float[] tanh = {-0.0036374f, -0.1588080f, -0.1542859f, 0f, 0.3457141f, 0.8411920f, 2.9963627f};
      it.setInput(0, TensorValue.ofFloats(Shape.of(7), in));
      it.invoke();
      float[] out = it.getOutput(0).floats();
      for (int i = 0; i < in.length; i++) {
        float want = approximate ? tanh[i] : exact[i];
        assertTrue(Math.abs(out[i] - want) < 2e-6, "gelu(" + in[i] + ") = " + out[i] + ", want " + want);
      }
    }
  }

  @Test
  void int32DivisionByZeroIsAClearError() {
    Model m = binary(BuiltinOperator.DIV, Table.of("DivOptions"), DataType.INT32, new int[] {2}, new int[] {2});
    Interpreter it = Interpreter.create(m);
    it.setInput(0, TensorValue.ofInts(Shape.of(2), 4, 5));
    it.setInput(1, TensorValue.ofInts(Shape.of(2), 2, 0));
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.litequant.LiteQuantException.class, it::invoke);
    assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
    assertEquals(List.of(), List.of());
  }
}
