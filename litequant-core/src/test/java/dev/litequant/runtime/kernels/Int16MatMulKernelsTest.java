package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.Int16Output.Arithmetic;
import dev.litequant.runtime.kernels.Int16Output.Rounding;
import dev.litequant.runtime.kernels.QuantizedOutput.ScaleProduct;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * 16x8 FULLY_CONNECTED and int16 BATCH_MATMUL against TensorFlow Lite 2.6.2, bit for bit: random
 * shapes, scales, activations and biases, every int16 code, and designed accumulators where the
 * float and the double product of the scales (after the 16-bit cut), or an int32 accumulator,
 * would give other outputs. Also what 2.6.2 refuses, and the two FULLY_CONNECTED forms it runs
 * wrongly (per-channel weights, int32 bias), which LiteQuant refuses.
 */
class Int16MatMulKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("16x8 FULLY_CONNECTED, int16 BATCH_MATMUL");
  private static final int[] CLIPPING = {FusedActivation.NONE.code(), FusedActivation.RELU.code(),
      FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code()};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  /** One 16x8 FULLY_CONNECTED; {@code bias} null for none. */
  record Fc(int[] inShape, int units, float sIn, float sW, int zpW, float sOut, int act, boolean keepNumDims,
      byte[] weights, long[] bias, DataType biasType, short[] input) {
    int depth() {
      return inShape[inShape.length - 1];
    }

    Model model() {
      ModelBuilder b = new ModelBuilder();
      Tensor x = Int16Models.input(b, "x", sIn, inShape);
      Tensor w = b.constant("w", DataType.INT8, Buffer.copyOf(weights), units, depth());
      w.setQuantization(Quantization.perTensor(sW, zpW));
      Tensor biasT = bias == null ? null : biasType == DataType.INT64
          ? Int16Models.int64Bias(b, "b", bias, sIn, new float[] {sW})
          : Int16Models.int32Bias(b, "b", bias, sIn, new float[] {sW});
      Tensor y = Int16Models.output(b, "y", sOut, 1);
      Table o = Table.of("FullyConnectedOptions").with("fused_activation_function", act)
          .with("keep_num_dims", keepNumDims);
      b.operator(BuiltinOperator.FULLY_CONNECTED, o, biasT == null ? List.of(x, w) : List.of(x, w, biasT),
          List.of(y)).setVersion(7);
      return b.output(y).build();
    }

    List<TensorValue> inputs() {
      return List.of(Int16Models.value(input, inShape));
    }

    String label() {
      return "FULLY_CONNECTED " + Arrays.toString(inShape) + " -> " + units + " act " + act + " zp_w " + zpW
          + (keepNumDims ? " keep_num_dims" : "") + (bias == null ? " no bias" : " " + biasType + " bias");
    }
  }

  private static Fc randomFc(Random r) {
    int depth = 1 + r.nextInt(r.nextBoolean() ? 16 : 300);
    int units = 1 + r.nextInt(16);
    int[] inShape = switch (r.nextInt(3)) {
      case 0 -> new int[] {1 + r.nextInt(4), depth};
      case 1 -> new int[] {2, 1 + r.nextInt(3), depth};
      default -> new int[] {depth};
    };
    float sIn = QuantizedModels.logUniform(r, 1e-5, 1e-2);
    float sW = QuantizedModels.logUniform(r, 1e-4, 1e-1);
    double real = (3000 + r.nextInt(12000)) / (Math.sqrt(depth) * 18000.0 * 74);
    float sOut = (float) ((double) sIn * sW / real);
    int zpW = r.nextInt(5) == 0 ? r.nextInt(21) - 10 : 0;
    long[] bias = r.nextInt(5) == 0 ? null : Int16Models.randomBias(r, units, 1 + (long) (r.nextInt(20000) / real));
    return new Fc(inShape, units, sIn, sW, zpW, sOut, CLIPPING[r.nextInt(CLIPPING.length)], inShape.length == 2 && r.nextBoolean(),
        QuantizedModels.randomWeights(r, units * depth), bias, DataType.INT64,
        Int16Models.randomCodes(r, QuantizedModels.size(inShape)));
  }

  private static int[] fcAlternatives(QuantizedOracle.Checked checked) {
    BuiltinOperator op = BuiltinOperator.FULLY_CONNECTED;
    return new int[] {
        ORACLE.disagreements("FC with one rounding and the 31-bit multiplier", checked, op,
            ctx -> Int16MatMulKernels.fullyConnected(ctx, Arithmetic.MATRIX_PRODUCT.withRounding(Rounding.FULL_MULTIPLIER))),
        ORACLE.disagreements("FC with MBQM on an int32 accumulator", checked, op,
            ctx -> Int16MatMulKernels.fullyConnected(ctx, Arithmetic.MATRIX_PRODUCT.withRounding(Rounding.MBQM_INT32))),
        ORACLE.disagreements("FC with the DOUBLE product of the scales", checked, op,
            ctx -> Int16MatMulKernels.fullyConnected(ctx, Arithmetic.MATRIX_PRODUCT.withProduct(ScaleProduct.DOUBLE)))};
  }

  /** Random shapes; one model in five has weights with a non-zero zero point, which 2.6.2 subtracts. */
  @Test
  void fullyConnectedRandom() {
    Random r = new Random(1611);
    for (int i = 0; i < 60; i++) {
      Fc f = randomFc(r);
      fcAlternatives(ORACLE.check("#" + i + " " + f.label(), f.model(), f.inputs()));
    }
  }

  @Test
  void fullyConnectedEveryCode() {
    Random r = new Random(1612);
    for (int set = 0; set < 4; set++) {
      float sIn = QuantizedModels.logUniform(r, 1e-5, 1e-3);
      float sW = QuantizedModels.logUniform(r, 1e-3, 1e-1);
      float sOut = (float) (sIn * sW * (40 + r.nextInt(60)));
      if (set == 3) {
        // A dyadic multiplier (3/64, exact in float and double): many outputs sit exactly on ties.
        sIn = 1f / 1024;
        sW = 0.375f;
        sOut = 1f / 128;
      }
      byte[] w = {(byte) (1 + r.nextInt(127)), (byte) -(1 + r.nextInt(127)), 1, (byte) (r.nextInt(255) - 127)};
      Fc f = new Fc(new int[] {65536, 1}, 4, sIn, sW, 0, sOut, CLIPPING[set % CLIPPING.length], false, w,
          Int16Models.randomBias(r, 4, 100000), DataType.INT64, Int16Models.allCodes());
      fcAlternatives(ORACLE.check("every code " + f.label(), f.model(), f.inputs()));
    }
  }

  /**
   * One row per model whose bias puts each unit's accumulator where an alternative differs: scales
   * whose float and double products differ after the 16-bit cut (half the models), or accumulators
   * beyond int32 (the other half).
   */
  @Test
  void fullyConnectedDesigned() {
    Random r = new Random(1613);
    int designedProduct = 0;
    int designedWide = 0;
    int[] wrong = new int[3];
    for (int model = 0; model < 8; model++) {
      boolean wide = model % 2 == 1;
      int depth = 1 + r.nextInt(40);
      int units = 32;
      // Tiny multipliers let accumulators beyond int32 give codes in range.
      float[] scales = Int16Models.scalesWithDifferent16BitProducts(r, wide ? 1e-8 : 1e-3);
      byte[] weights = QuantizedModels.randomWeights(r, units * depth);
      short[] input = Int16Models.randomCodes(r, depth);
      QuantMath.Multiplier right = QuantizedModels.floatProduct(scales[0], scales[1], scales[2]);
      QuantMath.Multiplier other = QuantizedModels.doubleProduct(scales[0], scales[1], scales[2]);
      double real = (double) (scales[0] * scales[1]) / scales[2];
      long[] bias = new long[units];
      for (int u = 0; u < units; u++) {
        long dot = 0;
        for (int k = 0; k < depth; k++) {
          dot += weights[u * depth + k] * input[k];
        }
        long acc = wide
            ? Int16Models.sensitiveAccumulator(r, real, a -> Math.abs(a) > (1L << 33)
                && Int16Models.mbqm64(a, right) != QuantMath.mbqm((int) a, right.multiplier(), right.shift()))
            : Int16Models.sensitiveAccumulator(r, real, a -> Int16Models.mbqm64(a, right) != Int16Models.mbqm64(a, other));
        if (acc == Long.MIN_VALUE) {
          continue;
        }
        bias[u] = acc - dot;
        if (wide) {
          designedWide++;
        } else {
          designedProduct++;
        }
      }
      Fc f = new Fc(new int[] {1, depth}, units, scales[0], scales[1], 0, scales[2], 0, false, weights, bias,
          DataType.INT64, input);
      int[] w = fcAlternatives(ORACLE.check("designed #" + model + " " + f.label(), f.model(), f.inputs()));
      for (int i = 0; i < 3; i++) {
        wrong[i] += w[i];
      }
    }
    assertTrue(designedProduct > 60 && designedWide > 60, designedProduct + " / " + designedWide);
    assertTrue(wrong[1] >= designedWide, "int32 accumulator: " + wrong[1] + " < " + designedWide);
    assertTrue(wrong[2] >= designedProduct, "double product: " + wrong[2] + " < " + designedProduct);
  }

  // ---- FULLY_CONNECTED forms 2.6.2 refuses or computes wrongly ----

  private static Fc smallFc() {
    Random r = new Random(1614);
    Fc f = randomFc(r);
    while (f.bias() == null || f.depth() > 40) {
      f = randomFc(r);
    }
    return f;
  }

  /** 2.6.2 reads the per-tensor scale slot of per-axis weights, 0: every output is 0. */
  @Test
  void perChannelWeightsAreRefusedWhere2_6_2ComputesZeros() {
    Fc f = smallFc();
    Model m = f.model();
    Tensor w = m.mainSubgraph().operators().get(0).inputs().get(1);
    float[] scales = new float[f.units()];
    Arrays.fill(scales, f.sW());
    scales[0] *= 1.5f;
    w.setQuantization(Quantization.perAxis(scales, new long[scales.length], 0));
    byte[] theirs = QuantizedOracle.oracle(m, f.inputs()).get(0);
    assertTrue(allZero(theirs), "2.6.2 gives zeros for per-channel 16x8 FULLY_CONNECTED");
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> QuantizedOracle.run(m, f.inputs(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("per-channel weights"), e.getMessage());
  }

  /** 2.6.2 does not refuse an int32 bias but reads it as int64: its outputs differ from the int64 model's. */
  @Test
  void int32BiasIsRefusedWhere2_6_2MisreadsIt() {
    Fc f = smallFc();
    Fc int32 = new Fc(f.inShape(), f.units(), f.sIn(), f.sW(), f.zpW(), f.sOut(), f.act(), f.keepNumDims(),
        f.weights(), f.bias(), DataType.INT32, f.input());
    QuantizedOracle.Checked right = ORACLE.check("int64 " + f.label(), f.model(), f.inputs());
    byte[] misread = QuantizedOracle.oracle(int32.model(), int32.inputs()).get(0);
    assertFalse(Arrays.equals(right.expected().get(0), misread), "2.6.2 computes int32 bias like int64 bias");
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> QuantizedOracle.run(int32.model(), int32.inputs(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("int32 bias"), e.getMessage());
  }

  @Test
  void refusedLikeTensorFlowLite() {
    Fc f = smallFc();
    for (int which = 0; which < 2; which++) {
      Model m = f.model();
      var op = m.mainSubgraph().operators().get(0);
      Tensor t = which == 0 ? op.inputs().get(0) : op.outputs().get(0);
      t.setQuantization(Quantization.perTensor(t.quantization().scale(), -2));
      InvalidModelException e = ORACLE.checkRefused("FC zero point -2", m, InvalidModelException.class);
      assertTrue(e.getMessage().contains("zero point -2"), e.getMessage());
    }
    Fc tanh = new Fc(f.inShape(), f.units(), f.sIn(), f.sW(), 0, f.sOut(), FusedActivation.TANH.code(), false,
        f.weights(), f.bias(), DataType.INT64, f.input());
    ORACLE.checkRefused("FC with TANH", tanh.model(), InvalidModelException.class);
    Model badBias = f.model();
    Tensor bias = badBias.mainSubgraph().operators().get(0).inputs().get(2);
    bias.setQuantization(Quantization.perTensor(f.sIn() * f.sW() * 100, 0));
    InvalidModelException e = ORACLE.checkRefused("FC bias scale 100x", badBias, InvalidModelException.class);
    assertTrue(e.getMessage().contains("bias scale"), e.getMessage());
  }

  /**
   * keep_num_dims on an input of rank other than 2: 2.6.2's 16x8 kernel takes the batch count from
   * the output's first dimension and the units from its second, so a rank-3 output comes out partly
   * unwritten and a rank-1 output reads past its dimensions. LiteQuant refuses both.
   */
  @Test
  void keepNumDimsOutsideRankTwoIsRefusedWhere2_6_2MiscomputesIt() {
    Random r = new Random(1617);
    int depth = 20;
    int units = 3;
    float sIn = 1e-3f;
    float sW = 1e-2f;
    float sOut = 2e-3f;
    byte[] w = QuantizedModels.randomWeights(r, units * depth);
    long[] bias = Int16Models.randomBias(r, units, 1000);
    short[] x = Int16Models.randomCodes(r, 2 * depth);
    Fc flat = new Fc(new int[] {2, 1, depth}, units, sIn, sW, 0, sOut, 0, false, w, bias, DataType.INT64, x);
    Fc kept = new Fc(new int[] {2, 1, depth}, units, sIn, sW, 0, sOut, 0, true, w, bias, DataType.INT64, x);
    QuantizedOracle.Checked right = ORACLE.check("FC rank 3 without keep_num_dims", flat.model(), flat.inputs());
    byte[] partial = QuantizedOracle.oracle(kept.model(), kept.inputs()).get(0);
    assertFalse(Arrays.equals(right.expected().get(0), partial), "2.6.2 computes keep_num_dims rank 3 right");
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> QuantizedOracle.run(kept.model(), kept.inputs(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("keep_num_dims"), e.getMessage());
    Fc rank1 = new Fc(new int[] {depth}, units, sIn, sW, 0, sOut, 0, true, w, bias, DataType.INT64,
        Arrays.copyOf(x, depth));
    // 2.6.2 reads the second dimension of a rank-1 output past its end: undefined, it has both
    // crashed the process (heap corruption) and returned in different runs, so only LiteQuant's
    // refusal is checked.
    UnsupportedModelException e1 = assertThrows(UnsupportedModelException.class,
        () -> QuantizedOracle.run(rank1.model(), rank1.inputs(), InterpreterOptions.referenceKernels()));
    assertTrue(e1.getMessage().contains("keep_num_dims"), e1.getMessage());
  }

  private static boolean allZero(byte[] b) {
    for (byte v : b) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  // ---- BATCH_MATMUL ----

  private static Model bmmModel(int[] lhsShape, int[] rhsShape, float sl, float sr, float so, boolean adjX,
      boolean adjY) {
    ModelBuilder b = new ModelBuilder();
    Tensor l = Int16Models.input(b, "l", sl, lhsShape);
    Tensor r = Int16Models.input(b, "r", sr, rhsShape);
    Tensor y = Int16Models.output(b, "y", so, 1);
    b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions").with("adj_x", adjX).with("adj_y", adjY),
        List.of(l, r), List.of(y)).setVersion(4);
    return b.output(y).build();
  }

  private static int[] bmmAlternatives(QuantizedOracle.Checked checked) {
    BuiltinOperator op = BuiltinOperator.BATCH_MATMUL;
    return new int[] {
        ORACLE.disagreements("BATCH_MATMUL with one rounding and the 31-bit multiplier", checked, op,
            ctx -> Int16MatMulKernels.batchMatMul(ctx, Arithmetic.MATRIX_PRODUCT.withRounding(Rounding.FULL_MULTIPLIER))),
        ORACLE.disagreements("BATCH_MATMUL with the DOUBLE product of the scales", checked, op,
            ctx -> Int16MatMulKernels.batchMatMul(ctx, Arithmetic.MATRIX_PRODUCT.withProduct(ScaleProduct.DOUBLE)))};
  }

  /** Random shapes with broadcast batch dimensions and both transpositions. */
  @Test
  void batchMatMulRandom() {
    Random r = new Random(1615);
    for (int i = 0; i < 30; i++) {
      int m = 1 + r.nextInt(6);
      int k = 1 + r.nextInt(r.nextBoolean() ? 8 : 100);
      int n = 1 + r.nextInt(6);
      boolean adjX = r.nextBoolean();
      boolean adjY = r.nextBoolean();
      int[] batchL = r.nextBoolean() ? new int[] {2, 1 + r.nextInt(3)} : new int[] {1 + r.nextInt(3)};
      int[] batchR = batchL.length == 2 && r.nextBoolean() ? new int[] {1, batchL[1]} : batchL.clone();
      if (r.nextInt(3) == 0) {
        batchR[batchR.length - 1] = 1;
      }
      int[] lhs = concat(batchL, adjX ? new int[] {k, m} : new int[] {m, k});
      int[] rhs = concat(batchR, adjY ? new int[] {n, k} : new int[] {k, n});
      float sl = QuantizedModels.logUniform(r, 1e-5, 1e-2);
      float sr = QuantizedModels.logUniform(r, 1e-5, 1e-2);
      double real = (3000 + r.nextInt(12000)) / (Math.sqrt(k) * 18000.0 * 18000.0);
      float so = (float) ((double) sl * sr / real);
      Model model = bmmModel(lhs, rhs, sl, sr, so, adjX, adjY);
      List<TensorValue> in = List.of(Int16Models.value(Int16Models.randomCodes(r, QuantizedModels.size(lhs)), lhs),
          Int16Models.value(Int16Models.randomCodes(r, QuantizedModels.size(rhs)), rhs));
      bmmAlternatives(ORACLE.check("BATCH_MATMUL " + Arrays.toString(lhs) + " x " + Arrays.toString(rhs) + " adj "
          + adjX + "/" + adjY, model, in));
    }
  }

  /** Every int16 code times 3 with a dyadic multiplier (1/128): many outputs sit exactly on ties. */
  @Test
  void batchMatMulEveryCodeOnTies() {
    Model m = bmmModel(new int[] {1, 65536, 1}, new int[] {1, 1, 1}, 1f / 1024, 1f / 8, 1f / 64, false, false);
    bmmAlternatives(ORACLE.check("BATCH_MATMUL every code times 3, multiplier 1/128", m,
        List.of(Int16Models.value(Int16Models.allCodes(), 1, 65536, 1), Int16Models.value(new short[] {3}, 1, 1, 1))));
  }

  /**
   * A [1, 1024] x [1024, 1] product per model with a right-hand column of a single 1: the output
   * is the left value times the multiplier, for scales whose float and double products differ
   * after the 16-bit cut, and left values near rounding boundaries.
   */
  @Test
  void batchMatMulDesignedFloatProduct() {
    Random r = new Random(1616);
    int designed = 0;
    int wrong = 0;
    for (int model = 0; model < 6; model++) {
      float[] s = Int16Models.scalesWithDifferent16BitProducts(r, 0.3);
      QuantMath.Multiplier right = QuantizedModels.floatProduct(s[0], s[1], s[2]);
      QuantMath.Multiplier other = QuantizedModels.doubleProduct(s[0], s[1], s[2]);
      int rows = 256;
      short[] lhs = new short[rows];
      for (int i = 0; i < rows; i++) {
        long a = Int16Models.sensitiveAccumulator(r, (double) (s[0] * s[1]) / s[2],
            v -> Math.abs(v) < 32768 && Int16Models.mbqm64(v, right) != Int16Models.mbqm64(v, other));
        lhs[i] = a == Long.MIN_VALUE ? (short) r.nextInt() : (short) a;
        designed += a == Long.MIN_VALUE ? 0 : 1;
      }
      Model m = bmmModel(new int[] {1, rows, 1}, new int[] {1, 1, 1}, s[0], s[1], s[2], false, false);
      List<TensorValue> in = List.of(Int16Models.value(lhs, 1, rows, 1), Int16Models.value(new short[] {1}, 1, 1, 1));
      wrong += bmmAlternatives(ORACLE.check("BATCH_MATMUL designed #" + model, m, in))[1];
    }
    assertTrue(designed > 200, "designed " + designed);
    assertTrue(wrong >= designed, wrong + " < " + designed);
  }

  @Test
  void batchMatMulRefusedLikeTensorFlowLite() {
    for (int which = 0; which < 3; which++) {
      Model m = bmmModel(new int[] {2, 3, 4}, new int[] {2, 4, 5}, 0.01f, 0.02f, 0.05f, false, false);
      var op = m.mainSubgraph().operators().get(0);
      Tensor t = which < 2 ? op.inputs().get(which) : op.outputs().get(0);
      t.setQuantization(Quantization.perTensor(t.quantization().scale(), 4));
      InvalidModelException e = ORACLE.checkRefused("BATCH_MATMUL zero point 4 on #" + which, m,
          InvalidModelException.class);
      assertTrue(e.getMessage().contains("zero point 4"), e.getMessage());
    }
    ModelBuilder b = new ModelBuilder();
    Tensor l = Int16Models.input(b, "l", 0.01f, 2, 3, 4);
    Tensor rhs = b.input("r", DataType.INT8, 2, 4, 5);
    rhs.setQuantization(Quantization.perTensor(0.02f, 0));
    Tensor y = Int16Models.output(b, "y", 0.05f, 2, 3, 5);
    b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions"), List.of(l, rhs), List.of(y));
    ORACLE.checkRefused("BATCH_MATMUL int16 x int8", b.output(y).build(), UnsupportedModelException.class);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
