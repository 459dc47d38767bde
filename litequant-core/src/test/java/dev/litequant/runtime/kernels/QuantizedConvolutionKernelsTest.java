package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedModels.doubleProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.floatProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.int8Value;
import static dev.litequant.runtime.kernels.QuantizedModels.logUniform;
import static dev.litequant.runtime.kernels.QuantizedModels.mbqm;
import static dev.litequant.runtime.kernels.QuantizedModels.perTensor;
import static dev.litequant.runtime.kernels.QuantizedModels.ruy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.QuantizedOutput.Arithmetic;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * int8 CONV_2D and DEPTHWISE_CONV_2D against TensorFlow Lite 2.6.2, bit for bit: random
 * geometries (strides, dilations, paddings, depth multipliers, batches), zero points, scales and
 * activations, per-channel and per-tensor filters; and designed models whose accumulators sit
 * where ruy's and TensorFlow Lite's roundings, or the float and the double product of the
 * scales, give different outputs.
 */
class QuantizedConvolutionKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int8 CONV_2D, DEPTHWISE_CONV_2D");
  private static final int[] ACTIVATIONS = {FusedActivation.NONE.code(), FusedActivation.RELU.code(),
      FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code(), FusedActivation.TANH.code(),
      FusedActivation.SIGN_BIT.code()};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  /** One convolution: geometry, quantization and values. */
  record Conv(boolean depthwise, int batches, int h, int w, int inC, int outC, int kh, int kw, int sh, int sw, int dh,
      int dw, Padding padding, int act, float sIn, int zpIn, float[] sW, float sOut, int zpOut, byte[] filter,
      int[] bias, byte[] input) {
    int depthMultiplier() {
      return outC / inC;
    }

    Model model() {
      ModelBuilder b = new ModelBuilder();
      Tensor x = perTensor(b.input("x", DataType.INT8, batches, h, w, inC), sIn, zpIn);
      Tensor f = depthwise ? QuantizedModels.int8Weights(b, "f", filter, sW, 3, 1, kh, kw, outC)
          : QuantizedModels.int8Weights(b, "f", filter, sW, 0, outC, kh, kw, inC);
      float[] perChannel = sW.length == outC ? sW : filled(outC, sW[0]);
      Tensor biasT = bias == null ? null : QuantizedModels.int32Bias(b, "b", bias, sIn, perChannel);
      Tensor y = perTensor(b.tensor("y", DataType.INT8, 1), sOut, zpOut);
      Table o = depthwise
          ? Table.of("DepthwiseConv2DOptions").with("depth_multiplier", depthMultiplier())
          : Table.of("Conv2DOptions");
      o = o.with("padding", padding.code()).with("stride_h", sh).with("stride_w", sw).with("dilation_h_factor", dh)
          .with("dilation_w_factor", dw).with("fused_activation_function", act);
      b.operator(depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D, o,
          biasT == null ? List.of(x, f) : List.of(x, f, biasT), List.of(y)).setVersion(3);
      return b.output(y).build();
    }

    List<TensorValue> inputs() {
      return List.of(int8Value(input, batches, h, w, inC));
    }

    BuiltinOperator op() {
      return depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D;
    }

    String label() {
      return op() + " " + batches + "x" + h + "x" + w + "x" + inC + " -> " + outC + ", " + kh + "x" + kw + " stride "
          + sh + "x" + sw + " dilation " + dh + "x" + dw + " " + padding + " act " + act + " zp " + zpIn + "/" + zpOut
          + (sW.length == 1 ? " per-tensor" : " per-channel") + (bias == null ? " no bias" : "");
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static Conv randomConv(Random r, boolean depthwise) {
    while (true) {
      int kh = 1 + r.nextInt(4);
      int kw = 1 + r.nextInt(4);
      int dh = r.nextInt(4) == 0 ? 2 : 1;
      int dw = r.nextInt(4) == 0 ? 2 : 1;
      int h = 1 + r.nextInt(20);
      int w = 1 + r.nextInt(20);
      Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      if (padding == Padding.VALID && (h < (kh - 1) * dh + 1 || w < (kw - 1) * dw + 1)) {
        continue;
      }
      int inC = 1 + r.nextInt(depthwise ? 6 : 8);
      int outC = depthwise ? inC * (1 + r.nextInt(3)) : 1 + r.nextInt(16);
      int batches = 1 + r.nextInt(2);
      int taps = kh * kw * (depthwise ? 1 : inC);
      boolean perChannel = r.nextInt(4) != 0;
      float sIn = logUniform(r, 1e-3, 1);
      float[] sW = QuantizedModels.logUniform(r, perChannel ? outC : 1, 1e-4, 1e-1);
      // An output scale that keeps typical accumulators inside the int8 range.
      double real = (30 + r.nextInt(90)) / (Math.sqrt(taps) * 74 * 74);
      float sOut = (float) ((double) sIn * sW[0] / real);
      byte[] filter = QuantizedModels.randomWeights(r, outC * kh * kw * (depthwise ? 1 : inC));
      // 2.6.2 needs a bias (see withoutBias); one model in five gets zeros.
      int[] bias = new int[outC];
      boolean zeroBias = r.nextInt(5) == 0;
      for (int c = 0; c < outC && !zeroBias; c++) {
        bias[c] = r.nextInt(20001) - 10000;
      }
      return new Conv(depthwise, batches, h, w, inC, outC, kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), dh, dw, padding,
          ACTIVATIONS[r.nextInt(ACTIVATIONS.length)], sIn, r.nextInt(256) - 128, sW, sOut, r.nextInt(256) - 128,
          filter, bias, QuantizedModels.randomCodes(r, batches * h * w * inC));
    }
  }

  // ---- T1 ----

  /**
   * T1: real multiplier 0.25 on every int8 code, through a 1x1 CONV_2D (ruy: differs from MBQM on
   * 64 codes) and a 1x1 DEPTHWISE_CONV_2D (MBQM: differs from ruy on the same 64).
   */
  @Test
  void t1RealMultiplierQuarter() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    for (boolean depthwise : new boolean[] {false, true}) {
      Conv c = new Conv(depthwise, 1, 16, 16, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID, 0, 1f, 0, new float[] {0.25f}, 1f,
          0, new byte[] {1}, new int[] {0}, all);
      QuantizedOracle.Checked checked = ORACLE.check("T1 " + c.op(), c.model(), c.inputs());
      Arithmetic other = depthwise ? Arithmetic.RUY_DOUBLE : Arithmetic.MBQM_DOUBLE;
      assertEquals(64, ORACLE.disagreements("T1 " + c.op() + " with " + other.rounding(), checked, c.op(),
          ctx -> variant(ctx, depthwise, other)));
    }
  }

  private static dev.litequant.runtime.Kernel variant(dev.litequant.runtime.OpContext ctx, boolean depthwise,
      Arithmetic a) {
    return depthwise ? QuantizedConvolutionKernels.depthwise(ctx, a) : QuantizedConvolutionKernels.conv2d(ctx, a);
  }

  /**
   * Dyadic real multipliers, one per channel (exact in float and double), put many accumulators
   * exactly on rounding ties of both signs: every code through 1x1 filters of 1, -1 and 3.
   */
  @Test
  void tiesOfDyadicMultipliers() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    float[][] scaleSets = {{0.5f, 0.375f, 0.0625f}, {5f / 64, 3f / 512, 1.5f}};
    for (float[] sW : scaleSets) {
      for (boolean depthwise : new boolean[] {false, true}) {
        Conv c = new Conv(depthwise, 1, 16, 16, 1, 3, 1, 1, 1, 1, 1, 1, Padding.VALID, 0, 1f, 5, sW, 1f, -3,
            new byte[] {1, -1, 3}, new int[] {0, 7, -7}, all);
        QuantizedOracle.Checked checked = ORACLE.check("ties " + c.label() + " " + Arrays.toString(sW), c.model(),
            c.inputs());
        Arithmetic other = depthwise ? Arithmetic.RUY_DOUBLE : Arithmetic.MBQM_DOUBLE;
        ORACLE.disagreements(c.op() + " ties with " + other.rounding(), checked, c.op(),
            ctx -> variant(ctx, depthwise, other));
      }
    }
  }

  // ---- random geometries ----

  @Test
  void conv2dRandomGeometries() {
    Random r = new Random(51);
    for (int i = 0; i < 150; i++) {
      Conv c = randomConv(r, false);
      QuantizedOracle.Checked checked = ORACLE.check("#" + i + " " + c.label(), c.model(), c.inputs());
      ORACLE.disagreements("CONV_2D with MBQM", checked, c.op(), ctx -> variant(ctx, false, Arithmetic.MBQM_DOUBLE));
    }
  }

  @Test
  void depthwiseRandomGeometries() {
    Random r = new Random(52);
    for (int i = 0; i < 150; i++) {
      Conv c = randomConv(r, true);
      QuantizedOracle.Checked checked = ORACLE.check("#" + i + " " + c.label(), c.model(), c.inputs());
      ORACLE.disagreements("DEPTHWISE_CONV_2D with RUY_MUL", checked, c.op(),
          ctx -> variant(ctx, true, Arithmetic.RUY_DOUBLE));
    }
  }

  // ---- designed accumulators ----

  @Test
  void conv2dDesignedAgainstMbqmAndFloatProduct() {
    designed(false, 53);
  }

  @Test
  void depthwiseDesignedAgainstRuyAndFloatProduct() {
    designed(true, 54);
  }

  /**
   * VALID convolutions whose output is one pixel per batch: the bias of each channel puts batch
   * 0's accumulator on a value where the right formula and one alternative disagree (even
   * channels: the other rounding; odd channels: the float product of the scales, which needs
   * per-channel scales whose two products differ, found by search). Every designed output must
   * come out as the oracle's, and flip under its alternative.
   */
  private static void designed(boolean depthwise, long seed) {
    Random r = new Random(seed);
    Arithmetic right = depthwise ? Arithmetic.MBQM_DOUBLE : Arithmetic.RUY_DOUBLE;
    Arithmetic otherRounding = depthwise ? Arithmetic.RUY_DOUBLE : Arithmetic.MBQM_DOUBLE;
    Arithmetic otherProduct = depthwise ? Arithmetic.MBQM_FLOAT : Arithmetic.RUY_FLOAT;
    int designedRounding = 0;
    int designedProduct = 0;
    int wrongRounding = 0;
    int wrongProduct = 0;
    for (int model = 0; model < 6; model++) {
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int inC = depthwise ? 16 : 1 + r.nextInt(6);
      int outC = depthwise ? inC * (1 + model % 3) : 48;
      int dm = outC / inC;
      int batches = 2;
      float sIn = logUniform(r, 1e-3, 3e-2);
      float sOut = logUniform(r, 1e-3, 3e-2);
      float[] sW = new float[outC];
      for (int c = 0; c < outC; c++) {
        sW[c] = QuantizedModels.weightScaleWithDifferentProducts(r, sIn, sOut, 1e-5, 8);
      }
      int zpIn = r.nextInt(256) - 128;
      int zpOut = r.nextInt(41) - 20;
      byte[] filter = QuantizedModels.randomWeights(r, outC * kh * kw * (depthwise ? 1 : inC));
      byte[] input = QuantizedModels.randomCodes(r, batches * kh * kw * inC);
      int[] bias = new int[outC];
      for (int c = 0; c < outC; c++) {
        int dot = 0;
        for (int t = 0; t < kh * kw; t++) {
          if (depthwise) {
            dot += filter[t * outC + c] * (input[t * inC + c / dm] - zpIn);
          } else {
            for (int ic = 0; ic < inC; ic++) {
              dot += filter[(c * kh * kw + t) * inC + ic] * (input[t * inC + ic] - zpIn);
            }
          }
        }
        QuantMath.Multiplier mRight = doubleProduct(sIn, sW[c], sOut);
        QuantMath.Multiplier mOther = floatProduct(sIn, sW[c], sOut);
        boolean byRounding = c % 2 == 0;
        OptionalInt acc = QuantizedModels.sensitiveAccumulator(r, (double) sIn * sW[c] / sOut, zpOut, a -> byRounding
            ? apply(right, a, mRight) != apply(otherRounding, a, mRight)
            : apply(right, a, mRight) != apply(right, a, mOther));
        bias[c] = acc.isPresent() ? acc.getAsInt() - dot : r.nextInt(1000);
        if (acc.isPresent()) {
          if (byRounding) {
            designedRounding++;
          } else {
            designedProduct++;
          }
        }
      }
      Conv c = new Conv(depthwise, batches, kh, kw, inC, outC, kh, kw, 1, 1, 1, 1, Padding.VALID, 0, sIn, zpIn, sW,
          sOut, zpOut, filter, bias, input);
      QuantizedOracle.Checked checked = ORACLE.check("designed #" + model + " " + c.label(), c.model(), c.inputs());
      wrongRounding += ORACLE.disagreements(c.op() + " (designed) with " + otherRounding.rounding(), checked, c.op(),
          ctx -> variant(ctx, depthwise, otherRounding));
      wrongProduct += ORACLE.disagreements(c.op() + " (designed) with the FLOAT product", checked, c.op(),
          ctx -> variant(ctx, depthwise, otherProduct));
    }
    assertTrue(designedRounding > 80 && designedProduct > 80, designedRounding + " / " + designedProduct);
    assertTrue(wrongRounding >= designedRounding, wrongRounding + " < " + designedRounding);
    assertTrue(wrongProduct >= designedProduct, wrongProduct + " < " + designedProduct);
  }

  private static int apply(Arithmetic a, int acc, QuantMath.Multiplier m) {
    return a.rounding() == QuantizedOutput.Rounding.RUY_MUL ? ruy(acc, m) : mbqm(acc, m);
  }

  // ---- bias, activation bounds, errors ----

  /**
   * Without a bias, 2.6.2's int8 CONV_2D refuses the model ("has_bias was not true") and its int8
   * DEPTHWISE_CONV_2D aborts the process (exit code 134: it loads, then dies when it runs). LiteQuant
   * runs both, as a zero bias, which gives what 2.6.2 gives with an explicit zero bias.
   */
  @Test
  void withoutBias() {
    Random r = new Random(55);
    for (boolean depthwise : new boolean[] {false, true}) {
      Conv c = randomConv(r, depthwise);
      Conv none = new Conv(depthwise, c.batches(), c.h(), c.w(), c.inC(), c.outC(), c.kh(), c.kw(), c.sh(), c.sw(),
          c.dh(), c.dw(), c.padding(), c.act(), c.sIn(), c.zpIn(), c.sW(), c.sOut(), c.zpOut(), c.filter(), null,
          c.input());
      Conv zero = new Conv(depthwise, c.batches(), c.h(), c.w(), c.inC(), c.outC(), c.kh(), c.kw(), c.sh(), c.sw(),
          c.dh(), c.dw(), c.padding(), c.act(), c.sIn(), c.zpIn(), c.sW(), c.sOut(), c.zpOut(), c.filter(),
          new int[c.outC()], c.input());
      String why = QuantizedOracle.oracleRefuses(c.op() + " without bias", none.model());
      assertTrue(why.contains(depthwise ? "crashed" : "has_bias was not true"), why);
      byte[] ours = QuantizedOracle.run(none.model(), none.inputs(), InterpreterOptions.referenceKernels()).get(0)
          .bytes();
      byte[] theirs = QuantizedOracle.oracle(zero.model(), zero.inputs()).get(0);
      assertArrayEquals(theirs, ours, none.label());
    }
  }

  /**
   * Activation bounds that sit exactly on a tie (the spec's open point): -1 / 0.4f and 1 / 0.4f are
   * -2.5f and 2.5f in float, 1 / 0.08f is 12.5f, 6 / (4f / 3) is 4.5f; each is rounded half away
   * from zero (Java's Math.round would give -2 for -2.5, round-half-even 2 for 2.5). Inputs sweep
   * every code so the clamp is reached from both sides, and the oracle's extreme codes show the
   * bounds directly.
   */
  @Test
  void activationBoundsAtTies() {
    assertEquals(-2.5f, -1f / 0.4f);
    assertEquals(12.5f, 1f / 0.08f);
    assertEquals(4.5f, 6f / (4f / 3f));
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    float[] outScales = {0.25f, 4f / 3f, 0.4f, 0.08f, 2f / 3f};
    int[] acts = {FusedActivation.RELU.code(), FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code()};
    for (float sOut : outScales) {
      for (int act : acts) {
        for (int zpOut : new int[] {-7, 0, 5}) {
          Conv c = new Conv(false, 1, 16, 16, 1, 1, 1, 1, 1, 1, 1, 1, Padding.VALID, act, 0.05f, 0, new float[] {0.5f},
              sOut, zpOut, new byte[] {64}, new int[] {0}, all);
          QuantizedOracle.Checked checked = ORACLE.check("activation bound " + sOut + " act " + act + " zp " + zpOut,
              c.model(), c.inputs());
          byte[] y = checked.expected().get(0);
          int min = 127;
          int max = -128;
          for (byte v : y) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          if (act == FusedActivation.RELU_N1_TO_1.code() && sOut == 0.4f) {
            assertEquals(zpOut - 3, min, "RELU_N1_TO_1 lower bound at scale 0.4");
            assertEquals(zpOut + 3, max, "RELU_N1_TO_1 upper bound at scale 0.4");
          }
          if (act == FusedActivation.RELU_N1_TO_1.code() && sOut == 0.08f) {
            assertEquals(zpOut - 13, min, "RELU_N1_TO_1 lower bound at scale 0.08");
          }
          if (act == FusedActivation.RELU6.code() && sOut == 4f / 3f) {
            assertEquals(zpOut + 5, max, "RELU6 upper bound at scale 4/3");
          }
        }
      }
    }
  }

  /**
   * int8 filters are symmetric. 2.6.2 runs a filter with zero point 3 as if it were 0 (its CONV_2D
   * and DEPTHWISE_CONV_2D outputs are identical to the zero-point-0 model's), which silently
   * changes the model's meaning; LiteQuant refuses it as inconsistent.
   */
  @Test
  void filterWithNonZeroZeroPointIsInvalid() {
    Random r = new Random(56);
    Conv c = randomConv(r, false);
    Model m = c.model();
    Tensor f = m.mainSubgraph().operators().get(0).inputs().get(1);
    f.setQuantization(Quantization.perTensor(0.01f, 3));
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(m));
    assertTrue(e.getMessage().contains("zero point 3"), e.getMessage());
  }

  @Test
  void wrongNumberOfChannelScalesIsInvalid() {
    Random r = new Random(57);
    for (boolean depthwise : new boolean[] {false, true}) {
      Conv c = randomConv(r, depthwise);
      Model m = c.model();
      Tensor f = m.mainSubgraph().operators().get(0).inputs().get(1);
      int n = c.outC() + 1;
      f.setQuantization(Quantization.perAxis(filled(n, 0.01f), new long[n], depthwise ? 3 : 0));
      InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(m));
      assertTrue(e.getMessage().contains(n + " scales along axis"), e.getMessage());
    }
  }
}
