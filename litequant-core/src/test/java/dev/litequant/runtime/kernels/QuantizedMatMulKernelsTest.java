package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedModels.floatProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.doubleProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.int8Value;
import static dev.litequant.runtime.kernels.QuantizedModels.logUniform;
import static dev.litequant.runtime.kernels.QuantizedModels.mbqm;
import static dev.litequant.runtime.kernels.QuantizedModels.perTensor;
import static dev.litequant.runtime.kernels.QuantizedModels.ruy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Shape;
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
 * int8 and uint8 FULLY_CONNECTED and int8 BATCH_MATMUL against TensorFlow Lite 2.6.2, bit for bit.
 * Random cases cover shapes, zero points, scales and activations; designed cases put accumulators
 * where ruy's single rounding and TensorFlow Lite's two roundings disagree, or where the float and
 * the double product of the scales give different outputs, and count how many outputs the wrong
 * formula would get wrong.
 */
class QuantizedMatMulKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int8/uint8 FULLY_CONNECTED, int8 BATCH_MATMUL");
  private static final int[] CLIPPING = {FusedActivation.NONE.code(), FusedActivation.RELU.code(),
      FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code()};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  // ---- FULLY_CONNECTED model building ----

  /** The quantization of one FULLY_CONNECTED model. */
  record Fc(DataType type, int[] inShape, int units, float sIn, int zpIn, float sW, int zpW, float sOut, int zpOut,
      int act, boolean keepNumDims) {
    int depth() {
      return inShape[inShape.length - 1];
    }

    int rows() {
      return QuantizedModels.size(inShape) / depth();
    }
  }

  private static Model fcModel(Fc f, byte[] weights, int[] bias) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = perTensor(b.input("x", f.type(), f.inShape()), f.sIn(), f.zpIn());
    Tensor w = perTensor(b.constant("w", f.type(), Buffer.copyOf(weights), f.units(), f.depth()), f.sW(), f.zpW());
    Tensor biasT = null;
    if (bias != null) {
      biasT = perTensor(b.constant("b", DataType.INT32, Buffer.ofInts(bias), f.units()), f.sIn() * f.sW(), 0);
    }
    Table o = Table.of("FullyConnectedOptions").with("fused_activation_function", f.act())
        .with("keep_num_dims", f.keepNumDims());
    Tensor y = perTensor(b.tensor("y", f.type(), 1), f.sOut(), f.zpOut());
    b.operator(BuiltinOperator.FULLY_CONNECTED, o, Arrays.asList(x, w, biasT), List.of(y)).setVersion(
        f.type() == DataType.INT8 ? 4 : 1);
    return b.output(y).build();
  }

  private static TensorValue codes(DataType type, byte[] v, int... shape) {
    return TensorValue.ofBytes(type, Shape.of(shape), v);
  }

  /** Output scale that keeps typical accumulators of {@code depth} random products inside the output range. */
  private static float outputScaleFor(Random r, float sIn, float sW, int depth) {
    double typicalAcc = Math.sqrt(depth) * 74 * 74 + 1;
    double real = (40 + r.nextInt(80)) / typicalAcc;
    return (float) ((double) sIn * sW / real);
  }

  // ---- T1 ----

  /**
   * T1 (spec section 1): real multiplier 0.25, every int8 code. ruy's single rounding gives
   * floor((q + 2) / 4); TensorFlow Lite's two roundings differ on 64 of the 256 codes.
   */
  @Test
  void t1RealMultiplierQuarterThroughFullyConnectedAndBatchMatMul() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    Fc f = new Fc(DataType.INT8, new int[] {256, 1}, 1, 1f, 0, 0.25f, 0, 1f, 0, 0, false);
    QuantizedOracle.Checked fc = ORACLE.check("FC T1", fcModel(f, new byte[] {1}, new int[] {0}),
        List.of(codes(DataType.INT8, all, 256, 1)));
    assertEquals(64, ORACLE.disagreements("FC T1 with MBQM", fc, BuiltinOperator.FULLY_CONNECTED,
        ctx -> QuantizedMatMulKernels.fullyConnected(ctx, Arithmetic.MBQM_FLOAT)));

    ModelBuilder b = new ModelBuilder();
    Tensor l = perTensor(b.input("l", DataType.INT8, 1, 256, 1), 1f, 0);
    Tensor rhs = perTensor(b.input("r", DataType.INT8, 1, 1, 1), 0.25f, 0);
    Tensor y = perTensor(b.tensor("y", DataType.INT8, 1), 1f, 0);
    b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), List.of(l, rhs), List.of(y)).setVersion(2);
    QuantizedOracle.Checked bmm = ORACLE.check("BATCH_MATMUL T1", b.output(y).build(),
        List.of(codes(DataType.INT8, all, 1, 256, 1), codes(DataType.INT8, new byte[] {1}, 1, 1, 1)));
    assertEquals(64, ORACLE.disagreements("BATCH_MATMUL T1 with MBQM", bmm, BuiltinOperator.BATCH_MATMUL,
        ctx -> QuantizedMatMulKernels.batchMatMul(ctx, Arithmetic.MBQM_FLOAT)));
  }

  /**
   * Dyadic real multipliers (exact in float and double) put many accumulators exactly on a
   * rounding tie, positive and negative: every code, against weights 1, -1 and 3, for int8 and
   * uint8 FULLY_CONNECTED and int8 BATCH_MATMUL. This is where the direction of each rounding
   * shows (ruy: ties up; MBQM: ties away from zero).
   */
  @Test
  void tiesOfDyadicMultipliers() {
    float[] multipliers = {0.5f, 0.375f, 0.0625f, 5f / 64, 3f / 512, 1.5f};
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    for (float m : multipliers) {
      for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
        boolean unsigned = type == DataType.UINT8;
        int zpW = unsigned ? 128 : 0;
        byte[] w = {(byte) (1 + zpW), (byte) (-1 + zpW), (byte) (3 + zpW)};
        Fc f = new Fc(type, new int[] {256, 1}, 3, 1f, unsigned ? 128 : 5, m, zpW, 1f, unsigned ? 128 : -3, 0, false);
        QuantizedOracle.Checked c = ORACLE.check("FC ties " + type.displayName() + " multiplier " + m,
            fcModel(f, w, new int[] {0, 7, -7}), List.of(codes(type, all, 256, 1)));
        ORACLE.disagreements(type.displayName() + " FC ties with " + (unsigned ? "RUY_MUL" : "MBQM"), c,
            BuiltinOperator.FULLY_CONNECTED, ctx -> QuantizedMatMulKernels.fullyConnected(ctx,
                unsigned ? Arithmetic.RUY_FLOAT : Arithmetic.MBQM_FLOAT));
      }
      ModelBuilder b = new ModelBuilder();
      Tensor l = perTensor(b.input("l", DataType.INT8, 1, 256, 1), 1f, -5);
      Tensor rhs = perTensor(b.input("r", DataType.INT8, 1, 1, 3), m, 2);
      Tensor y = perTensor(b.tensor("y", DataType.INT8, 1), 1f, 4);
      b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), List.of(l, rhs), List.of(y))
          .setVersion(2);
      QuantizedOracle.Checked c = ORACLE.check("BATCH_MATMUL ties multiplier " + m, b.output(y).build(),
          List.of(codes(DataType.INT8, all, 1, 256, 1), codes(DataType.INT8, new byte[] {3, 1, 5}, 1, 1, 3)));
      ORACLE.disagreements("BATCH_MATMUL ties with MBQM", c, BuiltinOperator.BATCH_MATMUL,
          ctx -> QuantizedMatMulKernels.batchMatMul(ctx, Arithmetic.MBQM_FLOAT));
    }
  }

  // ---- random FULLY_CONNECTED ----

  /** int8 FULLY_CONNECTED over random shapes, zero points, scales, activations, with and without bias. */
  @Test
  void int8FullyConnectedRandomCases() {
    Random r = new Random(41);
    for (int i = 0; i < 150; i++) {
      randomFullyConnected(r, DataType.INT8, "int8 FC #" + i);
    }
  }

  /** uint8 FULLY_CONNECTED (gemmlowp in 2.6.2, so TensorFlow Lite's two roundings). */
  @Test
  void uint8FullyConnectedRandomCases() {
    Random r = new Random(42);
    for (int i = 0; i < 80; i++) {
      randomFullyConnected(r, DataType.UINT8, "uint8 FC #" + i);
    }
  }

  private static void randomFullyConnected(Random r, DataType type, String label) {
    int depth = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
    int units = 1 + r.nextInt(40);
    boolean keep = r.nextInt(3) == 0;
    int[] inShape = keep ? new int[] {1 + r.nextInt(3), 1 + r.nextInt(6), depth} : new int[] {1 + r.nextInt(16), depth};
    boolean unsigned = type == DataType.UINT8;
    int zpIn = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
    int zpW = unsigned ? 100 + r.nextInt(56) : (r.nextInt(4) == 0 ? r.nextInt(21) - 10 : 0);
    int zpOut = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
    float sIn = logUniform(r, 1e-3, 1);
    float sW = logUniform(r, 1e-4, 1e-1);
    float sOut = outputScaleFor(r, sIn, sW, depth);
    int act = CLIPPING[r.nextInt(CLIPPING.length)];
    Fc f = new Fc(type, inShape, units, sIn, zpIn, sW, zpW, sOut, zpOut, act, keep);
    byte[] w = QuantizedModels.randomCodes(r, units * depth);
    int[] bias = null;
    if (r.nextInt(4) != 0) {
      bias = new int[units];
      for (int u = 0; u < units; u++) {
        bias[u] = r.nextInt(20001) - 10000;
      }
    }
    Model m = fcModel(f, w, bias);
    QuantizedOracle.Checked c = ORACLE.check(label, m,
        List.of(codes(type, QuantizedModels.randomCodes(r, QuantizedModels.size(inShape)), inShape)));
    if (unsigned) {
      ORACLE.disagreements("uint8 FC with RUY_MUL", c, BuiltinOperator.FULLY_CONNECTED,
          ctx -> QuantizedMatMulKernels.fullyConnected(ctx, Arithmetic.RUY_FLOAT));
    } else {
      ORACLE.disagreements("int8 FC with MBQM", c, BuiltinOperator.FULLY_CONNECTED,
          ctx -> QuantizedMatMulKernels.fullyConnected(ctx, Arithmetic.MBQM_FLOAT));
    }
  }

  // ---- designed FULLY_CONNECTED ----

  /**
   * Row 0 of each model gets, through the bias, accumulators on which the right formula and one
   * alternative disagree: half the units against the other rounding, half against the other
   * scale product. The oracle must agree with the right formula everywhere, and each alternative
   * must be wrong on most of its designed outputs.
   */
  @Test
  void int8FullyConnectedDesignedAgainstMbqmAndDoubleProduct() {
    designedFullyConnected(DataType.INT8, 43, Arithmetic.RUY_FLOAT, Arithmetic.MBQM_FLOAT, Arithmetic.RUY_DOUBLE);
  }

  @Test
  void uint8FullyConnectedDesignedAgainstRuyAndDoubleProduct() {
    designedFullyConnected(DataType.UINT8, 44, Arithmetic.MBQM_FLOAT, Arithmetic.RUY_FLOAT, Arithmetic.MBQM_DOUBLE);
  }

  private static void designedFullyConnected(DataType type, long seed, Arithmetic right, Arithmetic otherRounding,
      Arithmetic otherProduct) {
    Random r = new Random(seed);
    boolean unsigned = type == DataType.UINT8;
    int designedRounding = 0;
    int designedProduct = 0;
    int wrongRounding = 0;
    int wrongProduct = 0;
    for (int model = 0; model < 6; model++) {
      float[] s = QuantizedModels.scalesWithDifferentProducts(r, 1e-5, 8);
      int depth = 16;
      int units = 64;
      int rows = 3;
      int zpIn = unsigned ? r.nextInt(256) : r.nextInt(256) - 128;
      int zpW = unsigned ? 128 : 0;
      int zpOut = unsigned ? 128 + r.nextInt(41) - 20 : r.nextInt(41) - 20;
      Fc f = new Fc(type, new int[] {rows, depth}, units, s[0], zpIn, s[1], zpW, s[2], zpOut,
          FusedActivation.NONE.code(), false);
      byte[] w = QuantizedModels.randomCodes(r, units * depth);
      byte[] x = QuantizedModels.randomCodes(r, rows * depth);
      QuantMath.Multiplier mRight = right.product() == QuantizedOutput.ScaleProduct.FLOAT
          ? floatProduct(s[0], s[1], s[2]) : doubleProduct(s[0], s[1], s[2]);
      QuantMath.Multiplier mOther = right.product() == QuantizedOutput.ScaleProduct.FLOAT
          ? doubleProduct(s[0], s[1], s[2]) : floatProduct(s[0], s[1], s[2]);
      double real = (double) (s[0] * s[1]) / s[2];
      int[] bias = new int[units];
      for (int u = 0; u < units; u++) {
        int dot = 0;
        for (int k = 0; k < depth; k++) {
          int wv = unsigned ? w[u * depth + k] & 0xFF : w[u * depth + k];
          int xv = unsigned ? x[k] & 0xFF : x[k];
          dot += (wv - zpW) * (xv - zpIn);
        }
        boolean byRounding = u % 2 == 0;
        OptionalInt acc = QuantizedModels.sensitiveAccumulator(r, real, zpOut - (unsigned ? 128 : 0), a -> byRounding
            ? apply(right.rounding(), a, mRight) != apply(otherRounding.rounding(), a, mRight)
            : apply(right.rounding(), a, mRight) != apply(right.rounding(), a, mOther));
        bias[u] = acc.isPresent() ? acc.getAsInt() - dot : r.nextInt(1000);
        if (acc.isPresent()) {
          if (byRounding) {
            designedRounding++;
          } else {
            designedProduct++;
          }
        }
      }
      QuantizedOracle.Checked c = ORACLE.check("designed " + type.displayName() + " FC #" + model, fcModel(f, w, bias),
          List.of(codes(type, x, rows, depth)));
      wrongRounding += ORACLE.disagreements(type.displayName() + " FC (designed) with " + otherRounding.rounding(), c,
          BuiltinOperator.FULLY_CONNECTED, ctx -> QuantizedMatMulKernels.fullyConnected(ctx, otherRounding));
      wrongProduct += ORACLE.disagreements(type.displayName() + " FC (designed) with the " + otherProduct.product()
          + " product", c, BuiltinOperator.FULLY_CONNECTED,
          ctx -> QuantizedMatMulKernels.fullyConnected(ctx, otherProduct));
    }
    // Each designed output flips under its alternative; a few more may flip by chance.
    assertTrue(designedRounding > 100 && designedProduct > 100, designedRounding + " / " + designedProduct);
    assertTrue(wrongRounding >= designedRounding, wrongRounding + " < " + designedRounding);
    assertTrue(wrongProduct >= designedProduct, wrongProduct + " < " + designedProduct);
  }

  private static int apply(QuantizedOutput.Rounding rounding, int acc, QuantMath.Multiplier m) {
    return rounding == QuantizedOutput.Rounding.RUY_MUL ? ruy(acc, m) : mbqm(acc, m);
  }

  // ---- per-channel FULLY_CONNECTED ----

  /**
   * Per-channel int8 weights (one scale per unit, axis 0). TensorFlow Lite 2.6.2 cannot be the
   * reference here: it reads the per-tensor scale slot of the weights, which is 0 for per-axis
   * tensors, so its multiplier is 0 and every output it returns is the output zero point (for
   * the first case below, all 5 x 37 outputs are 3). LiteQuant computes the per-channel product;
   * it is checked two ways: against a computation by hand in double precision, and against
   * 2.6.2's CONV_2D with the same weights as a 1x1 filter, which does support per-channel scales
   * (and forms each multiplier as newer TensorFlow Lite versions do for per-channel
   * FULLY_CONNECTED: double product, ruy rounding).
   */
  @Test
  void int8PerChannelFullyConnectedMatchesByHandAndOneByOneConvolution() {
    Random r = new Random(45);
    int nearTies = 0;
    int compared = 0;
    for (int i = 0; i < 30; i++) {
      int rows = 1 + r.nextInt(5);
      int depth = 1 + r.nextInt(i == 0 ? 64 : 120);
      int units = i == 0 ? 37 : 1 + r.nextInt(40);
      int zpIn = r.nextInt(256) - 128;
      int zpOut = i == 0 ? 3 : r.nextInt(256) - 128;
      float sIn = logUniform(r, 1e-3, 1);
      float[] sW = QuantizedModels.logUniform(r, units, 1e-4, 1e-1);
      float sOut = outputScaleFor(r, sIn, sW[0], depth) * logUniform(r, 0.5, 2);
      int act = i % 3 == 0 ? FusedActivation.RELU.code() : FusedActivation.NONE.code();
      boolean hasBias = i % 4 != 1;
      byte[] w = QuantizedModels.randomWeights(r, units * depth);
      byte[] x = QuantizedModels.randomCodes(r, rows * depth);
      int[] bias = new int[units];
      for (int u = 0; u < units && hasBias; u++) {
        bias[u] = r.nextInt(40001) - 20000;
      }

      ModelBuilder b = new ModelBuilder();
      Tensor xT = perTensor(b.input("x", DataType.INT8, rows, depth), sIn, zpIn);
      Tensor wT = QuantizedModels.int8Weights(b, "w", w, sW, 0, units, depth);
      Tensor bT = hasBias ? QuantizedModels.int32Bias(b, "b", bias, sIn, sW) : null;
      Tensor y = perTensor(b.tensor("y", DataType.INT8, rows, units), sOut, zpOut);
      b.operator(BuiltinOperator.FULLY_CONNECTED,
          Table.of("FullyConnectedOptions").with("fused_activation_function", act), Arrays.asList(xT, wT, bT),
          List.of(y)).setVersion(4);
      Model fc = b.output(y).build();
      byte[] ours = QuantizedOracle.run(fc, List.of(int8Value(x, rows, depth)), InterpreterOptions.referenceKernels())
          .get(0).bytes();

      // By hand: dequantize, accumulate in double, requantize with round half away from zero.
      for (int row = 0; row < rows; row++) {
        for (int u = 0; u < units; u++) {
          double acc = (double) sIn * sW[u] * bias[u];
          for (int k = 0; k < depth; k++) {
            acc += ((double) sIn * (x[row * depth + k] - zpIn)) * ((double) sW[u] * w[u * depth + k]);
          }
          double q = acc / sOut;
          double real = act == FusedActivation.RELU.code() ? Math.max(q, 0) : q;
          long expected = Math.max(-128, Math.min(127, zpOut + QuantMath.roundHalfAwayFromZero(real)));
          int got = ours[row * units + u];
          compared++;
          double distanceToTie = Math.abs(Math.abs(real - Math.floor(real)) - 0.5);
          if (distanceToTie < 1e-6) {
            // At a tie within the precision of the 31-bit multiplier either neighbour is right.
            nearTies++;
            assertTrue(Math.abs(got - expected) <= 1, "case " + i + " [" + row + "," + u + "]");
          } else {
            assertEquals(expected, got, "case " + i + " [" + row + "," + u + "]: by hand " + real + " + " + zpOut);
          }
        }
      }

      // 2.6.2's per-channel CONV_2D on the same numbers.
      ModelBuilder cb = new ModelBuilder();
      Tensor cx = perTensor(cb.input("x", DataType.INT8, rows, 1, 1, depth), sIn, zpIn);
      Tensor cw = QuantizedModels.int8Weights(cb, "w", w, sW, 0, units, 1, 1, depth);
      Tensor cbias = QuantizedModels.int32Bias(cb, "b", bias, sIn, sW);
      Tensor cy = perTensor(cb.tensor("y", DataType.INT8, rows, 1, 1, units), sOut, zpOut);
      cb.operator(BuiltinOperator.CONV_2D, Table.of("Conv2DOptions").with("stride_h", 1).with("stride_w", 1)
          .with("fused_activation_function", act), List.of(cx, cw, cbias), List.of(cy)).setVersion(3);
      byte[] conv = QuantizedOracle.oracle(cb.output(cy).build(), List.of(int8Value(x, rows, 1, 1, depth))).get(0);
      List<String> diffs = QuantizedOracle.differences(DataType.INT8, ours, conv, 6);
      assertTrue(diffs.isEmpty(), "case " + i + ": per-channel FULLY_CONNECTED differs from 2.6.2's 1x1 CONV_2D at "
          + diffs);
    }
    assertTrue(nearTies < compared / 1000 + 2, nearTies + " near ties in " + compared);
  }

  // ---- BATCH_MATMUL ----

  /** int8 BATCH_MATMUL over broadcast batches, transposes, zero points and scales. */
  @Test
  void int8BatchMatMulRandomCases() {
    Random r = new Random(46);
    for (int i = 0; i < 80; i++) {
      boolean adjX = r.nextBoolean();
      boolean adjY = r.nextBoolean();
      int m = 1 + r.nextInt(20);
      int k = 1 + r.nextInt(i % 2 == 0 ? 8 : 100);
      int n = 1 + r.nextInt(20);
      int[][] batches = {{}, {2}, {3, 1}, {1, 2}, {2, 3}};
      int[] lb = batches[r.nextInt(batches.length)];
      int[] rb = lb.length == 2 && r.nextBoolean() ? new int[] {lb[0], 1} : (r.nextBoolean() ? lb : new int[0]);
      int[] lShape = concat(lb, adjX ? new int[] {k, m} : new int[] {m, k});
      int[] rShape = concat(rb, adjY ? new int[] {n, k} : new int[] {k, n});
      float sL = logUniform(r, 1e-3, 1);
      float sR = logUniform(r, 1e-3, 1);
      float sOut = outputScaleFor(r, sL, sR, k);
      int zpL = r.nextInt(256) - 128;
      int zpR = r.nextInt(4) == 0 ? 0 : r.nextInt(256) - 128;
      int zpOut = r.nextInt(256) - 128;
      boolean constantRhs = r.nextInt(3) == 0;
      byte[] lv = QuantizedModels.randomCodes(r, QuantizedModels.size(lShape));
      byte[] rv = QuantizedModels.randomCodes(r, QuantizedModels.size(rShape));
      Model model = bmmModel(lShape, sL, zpL, rShape, sR, zpR, constantRhs ? rv : null, sOut, zpOut, adjX, adjY);
      List<TensorValue> inputs = constantRhs ? List.of(int8Value(lv, lShape))
          : List.of(int8Value(lv, lShape), int8Value(rv, rShape));
      QuantizedOracle.Checked c = ORACLE.check("int8 BATCH_MATMUL #" + i + " " + Arrays.toString(lShape) + " x "
          + Arrays.toString(rShape) + " adj " + adjX + "," + adjY, model, inputs);
      ORACLE.disagreements("int8 BATCH_MATMUL with MBQM", c, BuiltinOperator.BATCH_MATMUL,
          ctx -> QuantizedMatMulKernels.batchMatMul(ctx, Arithmetic.MBQM_FLOAT));
    }
  }

  private static Model bmmModel(int[] lShape, float sL, int zpL, int[] rShape, float sR, int zpR, byte[] constantRhs,
      float sOut, int zpOut, boolean adjX, boolean adjY) {
    ModelBuilder b = new ModelBuilder();
    Tensor l = perTensor(b.input("l", DataType.INT8, lShape), sL, zpL);
    Tensor rhs = constantRhs == null ? b.input("r", DataType.INT8, rShape)
        : b.constant("r", DataType.INT8, Buffer.copyOf(constantRhs), rShape);
    perTensor(rhs, sR, zpR);
    Tensor y = perTensor(b.tensor("y", DataType.INT8, 1), sOut, zpOut);
    b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions").with("adj_x", adjX).with("adj_y", adjY),
        List.of(l, rhs), List.of(y)).setVersion(2);
    return b.output(y).build();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /**
   * Settles the spec's open point on BATCH_MATMUL's multiplier (section 7): each row of the left
   * operand is built so that its product with column 0 of the right operand is an accumulator on
   * which the float and the double product of the scales (or, for half the models, ruy's and
   * TensorFlow Lite's rounding) give different outputs. BATCH_MATMUL has no bias, so the
   * accumulator is reached through the operands: with zero points at the ends of the range all
   * terms share a sign, the row is filled greedily, and the last term, against a right-hand
   * value one step from its zero point, adds the remainder.
   */
  @Test
  void int8BatchMatMulDesignedSettlesTheScaleProduct() {
    Random r = new Random(47);
    int designedProduct = 0;
    int designedRounding = 0;
    int wrongProduct = 0;
    int wrongRounding = 0;
    for (int model = 0; model < 8; model++) {
      boolean byRounding = model % 2 == 1;
      boolean positive = model % 4 < 2;
      float[] s = QuantizedModels.scalesWithDifferentProducts(r, 1e-5, 8);
      int m = 64;
      int k = 400;
      int n = 2;
      int zpL = -128;
      int zpR = positive ? -128 : 127;
      int zpOut = r.nextInt(41) - 20;
      QuantMath.Multiplier mf = floatProduct(s[0], s[1], s[2]);
      QuantMath.Multiplier md = doubleProduct(s[0], s[1], s[2]);
      double real = (double) (s[0] * s[1]) / s[2];
      byte[] rv = new byte[k * n];
      for (int t = 0; t < k; t++) {
        for (int j = 0; j < n; j++) {
          int d = 1 + r.nextInt(255);
          rv[t * n + j] = (byte) (positive ? zpR + d : zpR - d);
        }
      }
      rv[(k - 1) * n] = (byte) (positive ? zpR + 1 : zpR - 1);
      byte[] lv = new byte[m * k];
      for (int i = 0; i < m; i++) {
        int sign = positive ? 1 : -1;
        OptionalInt target = QuantizedModels.sensitiveAccumulator(r, real, zpOut, a -> a * sign > 0 && (byRounding
            ? ruy(a, mf) != mbqm(a, mf) : ruy(a, mf) != ruy(a, md)));
        long rem = target.isPresent() ? (long) target.getAsInt() * sign : r.nextInt(1_000_000);
        for (int t = 0; t < k; t++) {
          int d = Math.abs(rv[t * n] - zpR);
          long a = t == k - 1 ? rem : Math.min(255, rem / d);
          if (a > 255) {
            a = 255;
            target = OptionalInt.empty();
          }
          lv[i * k + t] = (byte) (zpL + a);
          rem -= a * d;
        }
        if (target.isPresent() && rem == 0) {
          if (byRounding) {
            designedRounding++;
          } else {
            designedProduct++;
          }
        }
      }
      int[] lShape = {m, k};
      int[] rShape = {k, n};
      QuantizedOracle.Checked c = ORACLE.check("designed int8 BATCH_MATMUL #" + model,
          bmmModel(lShape, s[0], zpL, rShape, s[1], zpR, null, s[2], zpOut, false, false),
          List.of(int8Value(lv, lShape), int8Value(rv, rShape)));
      int wp = ORACLE.disagreements("int8 BATCH_MATMUL (designed) with the DOUBLE product", c,
          BuiltinOperator.BATCH_MATMUL, ctx -> QuantizedMatMulKernels.batchMatMul(ctx, Arithmetic.RUY_DOUBLE));
      int wr = ORACLE.disagreements("int8 BATCH_MATMUL (designed) with MBQM", c, BuiltinOperator.BATCH_MATMUL,
          ctx -> QuantizedMatMulKernels.batchMatMul(ctx, Arithmetic.MBQM_FLOAT));
      wrongProduct += byRounding ? 0 : wp;
      wrongRounding += byRounding ? wr : 0;
    }
    assertTrue(designedProduct > 100 && designedRounding > 100, designedProduct + " / " + designedRounding);
    assertTrue(wrongProduct >= designedProduct, wrongProduct + " < " + designedProduct);
    assertTrue(wrongRounding >= designedRounding, wrongRounding + " < " + designedRounding);
  }

  // ---- models both interpreters refuse, and what LiteQuant does not implement ----

  @Test
  void fullyConnectedRefusesNonClippingActivationsLikeTheOracle() {
    Fc f = new Fc(DataType.INT8, new int[] {2, 4}, 3, 0.1f, 0, 0.01f, 0, 0.05f, 0, FusedActivation.TANH.code(), false);
    InvalidModelException e = ORACLE.checkRefused("int8 FC with TANH", fcModel(f, new byte[12], new int[3]),
        InvalidModelException.class);
    assertTrue(e.getMessage().contains("fused activation code 4"), e.getMessage());
  }

  /**
   * The bias scale must be within 2% of an output scale from input scale times weight scale.
   * Both sides of the limit, against the oracle: 1.5% loads, 2.5% is refused.
   */
  @Test
  void fullyConnectedChecksTheBiasScaleLikeTheOracle() {
    for (double off : new double[] {0.015, 0.025}) {
      ModelBuilder b = new ModelBuilder();
      float sIn = 0.1f;
      float sW = 0.01f;
      float sOut = 0.05f;
      Tensor x = perTensor(b.input("x", DataType.INT8, 2, 4), sIn, 0);
      Tensor w = perTensor(b.constant("w", DataType.INT8, Buffer.copyOf(new byte[12]), 3, 4), sW, 0);
      Tensor bias = perTensor(b.constant("b", DataType.INT32, Buffer.ofInts(1, 2, 3), 3),
          (float) (sIn * sW + off * sOut), 0);
      Tensor y = perTensor(b.tensor("y", DataType.INT8, 2, 3), sOut, 0);
      b.operator(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), List.of(x, w, bias), List.of(y))
          .setVersion(4);
      Model model = b.output(y).build();
      if (off < 0.02) {
        ORACLE.check("bias scale 1.5% off", model, List.of(int8Value(new byte[8], 2, 4)));
      } else {
        InvalidModelException e = ORACLE.checkRefused("bias scale 2.5% off", model, InvalidModelException.class);
        assertTrue(e.getMessage().contains("more than 0.02"), e.getMessage());
      }
    }
  }

  /**
   * The bias check multiplies input and weight scales in double (the multiplier itself takes the
   * float product): with a bias scale one float step from the float product, on the side away
   * from the double product, and an output scale that puts the 2% limit between the two distances,
   * 2.6.2 refuses the model; with the bias scale on the other side, where only the double product
   * is close enough, it loads it. LiteQuant does the same.
   */
  @Test
  void biasScaleCheckMultipliesTheScalesInDouble() {
    Random r = new Random(48);
    float sIn;
    float sW;
    float pf;
    double delta;
    do {
      sIn = logUniform(r, 1e-3, 1);
      sW = logUniform(r, 1e-4, 1e-1);
      pf = sIn * sW;
      delta = (double) sIn * sW - pf;
    } while (Math.abs(delta) < 0.3 * Math.ulp(pf));
    double pd = (double) sIn * sW;
    for (boolean floatPasses : new boolean[] {true, false}) {
      // Away from the double product when the float product must pass, toward it otherwise.
      boolean up = (delta < 0) == floatPasses;
      float sBias = up ? Math.nextUp(pf) : Math.nextDown(pf);
      double d = Math.abs((double) sBias - pf);
      float sOut = (float) ((floatPasses ? d + Math.abs(delta) / 2 : d - Math.abs(delta) / 2) / 0.02);
      double byFloat = Math.abs(pf - (double) sBias) / sOut;
      double byDouble = Math.abs(pd - (double) sBias) / sOut;
      assertTrue(floatPasses ? byFloat <= 0.02 && byDouble > 0.02 : byFloat > 0.02 && byDouble <= 0.02,
          byFloat + " / " + byDouble);
      ModelBuilder b = new ModelBuilder();
      Tensor x = perTensor(b.input("x", DataType.INT8, 2, 4), sIn, 0);
      byte[] identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
      Tensor w = perTensor(b.constant("w", DataType.INT8, Buffer.copyOf(identity), 3, 4), sW, 0);
      Tensor bias = perTensor(b.constant("b", DataType.INT32, Buffer.ofInts(0, 0, 0), 3), sBias, 0);
      Tensor y = perTensor(b.tensor("y", DataType.INT8, 2, 3), sOut, 0);
      b.operator(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), List.of(x, w, bias), List.of(y))
          .setVersion(4);
      Model model = b.output(y).build();
      if (floatPasses) {
        ORACLE.checkRefused("bias scale within 2% by the float product only", model, InvalidModelException.class);
      } else {
        ORACLE.check("bias scale within 2% by the double product only", model,
            List.of(int8Value(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, 2, 4)));
      }
    }
  }

  @Test
  void missingQuantizationIsAnInvalidModelNamingTheTensor() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.INT8, 2, 4);
    Tensor w = perTensor(b.constant("w", DataType.INT8, Buffer.copyOf(new byte[12]), 3, 4), 0.01f, 0);
    Tensor y = perTensor(b.tensor("y", DataType.INT8, 2, 3), 0.05f, 0);
    b.operator(BuiltinOperator.FULLY_CONNECTED, Table.of("FullyConnectedOptions"), Arrays.asList(x, w, null),
        List.of(y));
    Model m = b.output(y).build();
    InvalidModelException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m));
    assertEquals("Operator 0 (FULLY_CONNECTED) of subgraph 0 has int8 input tensor 0 'x' int8[2, 4] without "
        + "quantization parameters.", e.getMessage());
  }
}
