package dev.litequant.runtime.kernels.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each fast (Vector API) kernel against its scalar reference kernel on many random geometries:
 * outputs agree within 1e-5 of the output's largest magnitude (only the summation order differs).
 */
class VectorKernelsTest {
  private static final int CASES = 60;

  @Test
  void theFastKernelsAreInUse() {
    assertTrue(InterpreterOptions.defaults().kernels().usesFastKernels(),
        "the test JVM must run with --add-modules jdk.incubator.vector");
    assertTrue(!InterpreterOptions.referenceKernels().kernels().usesFastKernels());
  }

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static void assertFastEqualsReference(Model m, Random r) {
    List<TensorValue> inputs = OracleComparison.randomInputs(m, r.nextLong(), -1, 1);
    float[] fast = run(m, inputs, InterpreterOptions.defaults());
    float[] reference = run(m, inputs, InterpreterOptions.referenceKernels());
    assertEquals(reference.length, fast.length);
    double max = 1e-30;
    double diff = 0;
    for (int i = 0; i < fast.length; i++) {
      max = Math.max(max, Math.abs(reference[i]));
      diff = Math.max(diff, Math.abs(fast[i] - reference[i]));
    }
    assertTrue(diff / max < 1e-5, "relative difference " + diff / max);
  }

  private static float[] run(Model m, List<TensorValue> inputs, InterpreterOptions options) {
    Interpreter it = Interpreter.create(m, options);
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    it.invoke();
    return it.getOutput(0).floats();
  }

  @Test
  void conv2d() {
    Random r = new Random(1);
    for (int c = 0; c < CASES; c++) {
      int h = 1 + r.nextInt(12);
      int w = 1 + r.nextInt(12);
      int inC = 1 + r.nextInt(20);
      int outC = 1 + r.nextInt(40);
      int kh = 1 + r.nextInt(4);
      int kw = 1 + r.nextInt(4);
      ModelBuilder b = new ModelBuilder();
      Tensor x = b.input("x", DataType.FLOAT32, 1 + r.nextInt(2), h, w, inC);
      Tensor f = b.constant("f", DataType.FLOAT32, Buffer.ofFloats(random(r, outC * kh * kw * inC)), outC, kh, kw, inC);
      Tensor bias = b.constant("b", DataType.FLOAT32, Buffer.ofFloats(random(r, outC)), outC);
      Table o = Table.of("Conv2DOptions").with("padding", r.nextInt(2)).with("stride_h", 1 + r.nextInt(3))
          .with("stride_w", 1 + r.nextInt(3)).with("dilation_h_factor", 1 + r.nextInt(2))
          .with("dilation_w_factor", 1 + r.nextInt(2)).with("fused_activation_function", r.nextInt(4));
      if (o.getInt("padding") == Padding.VALID.code()
          && ((kh - 1) * o.getInt("dilation_h_factor") >= h || (kw - 1) * o.getInt("dilation_w_factor") >= w)) {
        o = o.with("padding", Padding.SAME.code());
      }
      Tensor y = b.tensor("y", DataType.FLOAT32, 1);
      b.operator(BuiltinOperator.CONV_2D, o, List.of(x, f, bias), List.of(y));
      assertFastEqualsReference(b.output(y).build(), r);
    }
  }

  @Test
  void depthwiseConv2d() {
    Random r = new Random(2);
    for (int c = 0; c < CASES; c++) {
      int h = 1 + r.nextInt(12);
      int w = 1 + r.nextInt(12);
      int inC = 1 + r.nextInt(40);
      int multiplier = r.nextInt(4) == 0 ? 2 : 1;
      int outC = inC * multiplier;
      int k = 1 + r.nextInt(4);
      ModelBuilder b = new ModelBuilder();
      Tensor x = b.input("x", DataType.FLOAT32, 1, h, w, inC);
      Tensor f = b.constant("f", DataType.FLOAT32, Buffer.ofFloats(random(r, k * k * outC)), 1, k, k, outC);
      Tensor bias = b.constant("b", DataType.FLOAT32, Buffer.ofFloats(random(r, outC)), outC);
      Table o = Table.of("DepthwiseConv2DOptions").with("padding", Padding.SAME.code())
          .with("stride_h", 1 + r.nextInt(2)).with("stride_w", 1 + r.nextInt(2)).with("depth_multiplier", multiplier)
          .with("dilation_h_factor", 1 + r.nextInt(2)).with("dilation_w_factor", 1 + r.nextInt(2))
          .with("fused_activation_function", FusedActivation.values()[r.nextInt(4)].code());
      Tensor y = b.tensor("y", DataType.FLOAT32, 1);
      b.operator(BuiltinOperator.DEPTHWISE_CONV_2D, o, List.of(x, f, bias), List.of(y));
      assertFastEqualsReference(b.output(y).build(), r);
    }
  }

  @Test
  void fullyConnected() {
    Random r = new Random(3);
    for (int c = 0; c < CASES; c++) {
      int rows = 1 + r.nextInt(4);
      int depth = 1 + r.nextInt(100);
      int units = 1 + r.nextInt(30);
      ModelBuilder b = new ModelBuilder();
      Tensor x = b.input("x", DataType.FLOAT32, rows, depth);
      Tensor w = b.constant("w", DataType.FLOAT32, Buffer.ofFloats(random(r, units * depth)), units, depth);
      Tensor bias = r.nextBoolean() ? b.constant("b", DataType.FLOAT32, Buffer.ofFloats(random(r, units)), units) : null;
      Tensor y = b.tensor("y", DataType.FLOAT32, 1);
      b.operator(BuiltinOperator.FULLY_CONNECTED,
          Table.of("FullyConnectedOptions").with("fused_activation_function", r.nextInt(4)),
          Arrays.asList(x, w, bias), List.of(y));
      assertFastEqualsReference(b.output(y).build(), r);
    }
  }

  @Test
  void batchMatMul() {
    Random r = new Random(4);
    for (int c = 0; c < CASES; c++) {
      int m = 1 + r.nextInt(8);
      int k = 1 + r.nextInt(40);
      int n = 1 + r.nextInt(40);
      boolean adjX = r.nextBoolean();
      boolean adjY = r.nextBoolean();
      ModelBuilder b = new ModelBuilder();
      Tensor x = b.input("x", DataType.FLOAT32, 2, adjX ? k : m, adjX ? m : k);
      Tensor w = b.input("w", DataType.FLOAT32, adjY ? n : k, adjY ? k : n);
      Tensor y = b.tensor("y", DataType.FLOAT32, 1);
      b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions").with("adj_x", adjX).with("adj_y", adjY),
          List.of(x, w), List.of(y));
      assertFastEqualsReference(b.output(y).build(), r);
    }
  }
}
