package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedOracle.allCodes;
import static dev.litequant.runtime.kernels.QuantizedOracle.codes;
import static dev.litequant.runtime.kernels.QuantizedOracle.randomCodes;
import static dev.litequant.runtime.kernels.QuantizedOracle.scale;
import static dev.litequant.runtime.kernels.QuantizedOracle.zeroPoint;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantized activations against TensorFlow Lite 2.6.2: every code of int8 and uint8 through
 * LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, HARD_SWISH and LEAKY_RELU for many random input and
 * output scales and zero points; PRELU with constant alphas of their own quantization.
 */
class QuantizedActivationKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("quantized activations");
  private static final int SETS = 12;

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model unary(BuiltinOperator op, Table options, DataType type, float si, int zi, float so, int zo,
      int... shape) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", type, si, zi, shape);
    Tensor y = QuantizedOracle.tensor(b, "y", type, so, zo, shape);
    b.operator(op, options, List.of(x), List.of(y));
    return b.output(y).build();
  }

  /** All 256 codes through the operator, for SETS random (input, output) parameter pairs. */
  void sweep(BuiltinOperator op, Table options, DataType type, long seed, OutputParams outputs) {
    Random r = new Random(seed);
    for (int set = 0; set < SETS; set++) {
      float si = scale(r, 1e-3, 0.5);
      int zi = zeroPoint(r, type);
      float[] o = outputs.pick(r, si, type);
      Model m = unary(op, options, type, si, zi, o[0], (int) o[1], 256);
      ORACLE.check(op + " " + type + " in (" + si + ", " + zi + ") out (" + o[0] + ", " + (int) o[1] + ")", m,
          List.of(codes(type, new int[] {256}, allCodes(type))));
    }
  }

  /** The output scale and zero point of a sweep, given the input scale. */
  @FunctionalInterface
  interface OutputParams {
    float[] pick(Random r, float inputScale, DataType type);
  }

  /** An output scale near the input's (multipliers both above and below one), any zero point. */
  static float[] near(Random r, float si, DataType type) {
    return new float[] {si * scale(r, 0.3, 3), zeroPoint(r, type)};
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT8", "UINT8"})
  void reluFamilyEveryCode(DataType type) {
    sweep(BuiltinOperator.RELU, null, type, 1, QuantizedActivationKernelsTest::near);
    sweep(BuiltinOperator.RELU6, null, type, 2, QuantizedActivationKernelsTest::near);
    sweep(BuiltinOperator.RELU_N1_TO_1, null, type, 3, QuantizedActivationKernelsTest::near);
    // Output scales putting 6 and +-1 exactly on a tie: 6/4 = 1.5, +-1/2 = +-0.5.
    for (float so : new float[] {4f, 2f, 12f, 0.4f}) {
      for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1}) {
        int zo = type == DataType.INT8 ? -3 : 5;
        ORACLE.check(op + " tie bound " + so, unary(op, null, type, so / 8, zo, so, zo, 256),
            List.of(codes(type, new int[] {256}, allCodes(type))));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT8", "UINT8"})
  void leakyReluEveryCode(DataType type) {
    float[] alphas = {0.01f, 0.2f, 0.7f, 1.5f, -0.3f};
    for (int i = 0; i < alphas.length; i++) {
      sweep(BuiltinOperator.LEAKY_RELU, Table.of("LeakyReluOptions").with("alpha", alphas[i]), type, 10 + i,
          QuantizedActivationKernelsTest::near);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT8", "UINT8"})
  void hardSwishEveryCode(DataType type) {
    // The output multiplier (s_in / 128) / s_out must have exponent <= 0; the relu-ish exponent
    // s_in * 32768 / (128 * 3) is positive above s_in ~ 0.0117 and negative below.
    sweep(BuiltinOperator.HARD_SWISH, null, type, 20,
        (r, si, t) -> new float[] {si * scale(r, 0.05, 2), zeroPoint(r, t)});
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT8", "UINT8"})
  void logisticAndTanhEveryCode(DataType type) {
    int lowest = type == DataType.INT8 ? -128 : 0;
    sweep(BuiltinOperator.LOGISTIC, null, type, 30, (r, si, t) -> new float[] {1 / 256f, lowest});
    // 2.6.2 does not check LOGISTIC's output zero point: the table follows whatever it is.
    sweep(BuiltinOperator.LOGISTIC, null, type, 31, (r, si, t) -> new float[] {1 / 256f, zeroPoint(r, t)});
    sweep(BuiltinOperator.TANH, null, type, 32,
        (r, si, t) -> new float[] {1 / 128f, type == DataType.INT8 ? 0 : 128});
    sweep(BuiltinOperator.TANH, null, type, 33, (r, si, t) -> new float[] {scale(r, 1e-3, 0.1), zeroPoint(r, t)});
    // A tiny output scale: round(f / s_out) + zp overflows int32, which x86 converts to INT_MIN.
    ORACLE.check("TANH tiny output scale", unary(BuiltinOperator.TANH, null, type, 0.05f, lowest + 3, 1e-12f, 0, 256),
        List.of(codes(type, new int[] {256}, allCodes(type))));
  }

  @Test
  void logisticRequiresOutputScaleOneOver256() {
    Model m = unary(BuiltinOperator.LOGISTIC, null, DataType.INT8, 0.1f, 0, 1 / 128f, -128, 4);
    new KernelOracle("logistic").checkRefused("LOGISTIC output scale 1/128", m, InvalidModelException.class);
  }

  @Test
  void hardSwishRequiresOutputExponentAtMostZero() {
    Model m = unary(BuiltinOperator.HARD_SWISH, null, DataType.INT8, 0.5f, 0, 0.001f, 0, 4);
    new KernelOracle("hard swish").checkRefused("HARD_SWISH output multiplier above one", m,
        InvalidModelException.class);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT8", "UINT8"})
  void preluWithQuantizedAlpha(DataType type) {
    Random r = new Random(40);
    int[][][] shapes = {{{256, 3}, {3}}, {{1, 4, 4, 3}, {1, 1, 3}}, {{2, 5, 3, 2}, {5, 1, 2}}, {{1, 3, 3, 4}, {1}}};
    int n = 0;
    for (int[][] s : shapes) {
      for (int set = 0; set < 3; set++) {
        float si = scale(r, 1e-3, 0.5);
        int zi = zeroPoint(r, type);
        float sa = scale(r, 1e-3, 0.05);
        int za = zeroPoint(r, type);
        float so = si * scale(r, 0.3, 3);
        int zo = zeroPoint(r, type);
        ModelBuilder b = new ModelBuilder();
        Tensor x = QuantizedOracle.input(b, "x", type, si, zi, s[0]);
        int[] alphaCodes = randomCodes(r, type, QuantizedOracle.size(s[1]));
        byte[] raw = new byte[alphaCodes.length];
        for (int i = 0; i < raw.length; i++) {
          raw[i] = (byte) alphaCodes[i];
        }
        Tensor alpha = b.constant("alpha", type, Buffer.copyOf(raw), s[1]);
        alpha.setQuantization(Quantization.perTensor(sa, za));
        Tensor y = QuantizedOracle.tensor(b, "y", type, so, zo, s[0]);
        b.operator(BuiltinOperator.PRELU, null, List.of(x, alpha), List.of(y));
        Model m = b.output(y).build();
        String label = "PRELU " + type + " " + Shapes.str(s[0]) + " alpha " + Shapes.str(s[1]) + " set " + set;
        if (s[0][0] == 256) {
          int[] c = new int[256 * 3];
          for (int i = 0; i < c.length; i++) {
            c[i] = allCodes(type)[i / 3];
          }
          ORACLE.check(label, m, List.of(codes(type, s[0], c)));
        } else {
          ORACLE.checkRandom(label, m, n);
        }
        n++;
      }
    }
  }
}
