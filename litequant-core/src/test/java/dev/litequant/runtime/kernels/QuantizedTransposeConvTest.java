package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedModels.doubleProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.floatProduct;
import static dev.litequant.runtime.kernels.QuantizedModels.int8Value;
import static dev.litequant.runtime.kernels.QuantizedModels.logUniform;
import static dev.litequant.runtime.kernels.QuantizedModels.mbqm;
import static dev.litequant.runtime.kernels.QuantizedModels.perTensor;
import static dev.litequant.runtime.kernels.QuantizedModels.ruy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.QuantizedOutput.Arithmetic;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * int8 TRANSPOSE_CONV against TensorFlow Lite 2.6.2, bit for bit. The spec left it untested
 * (section 7); these tests settle it: int32 accumulation of (x - zp_in) * w, bias, then
 * TensorFlow Lite's two roundings (MBQM, not ruy's) with a per-channel multiplier from the double
 * product of the scales, output zero point, clamp to [-128, 127].
 */
class QuantizedTransposeConvTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int8 TRANSPOSE_CONV");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  /** One int8 transpose convolution. */
  record TConv(int[] in, int[] out, int kh, int kw, int sh, int sw, Padding padding, float sIn, int zpIn, float[] sW,
      float sOut, int zpOut, byte[] weights, int[] bias, byte[] input) {
    int outC() {
      return out[3];
    }

    Model model() {
      ModelBuilder b = new ModelBuilder();
      List<Tensor> inputs = new ArrayList<>();
      inputs.add(b.constantInts("output_shape", out, 4));
      inputs.add(QuantizedModels.int8Weights(b, "w", weights, sW, 0, outC(), kh, kw, in[3]));
      inputs.add(perTensor(b.input("x", DataType.INT8, in), sIn, zpIn));
      if (bias != null) {
        float[] perChannel = new float[outC()];
        java.util.Arrays.fill(perChannel, sW[0]);
        inputs.add(QuantizedModels.int32Bias(b, "b", bias, sIn, sW.length == outC() ? sW : perChannel));
      }
      Tensor y = perTensor(b.tensor("y", DataType.INT8, out), sOut, zpOut);
      Table o = Table.of("TransposeConvOptions").with("padding", padding.code()).with("stride_h", sh)
          .with("stride_w", sw);
      b.operator(BuiltinOperator.TRANSPOSE_CONV, o, inputs, List.of(y)).setVersion(bias == null ? 2 : 3);
      return b.output(y).build();
    }

    List<TensorValue> inputs() {
      return List.of(int8Value(input, in));
    }

    String label() {
      return "TRANSPOSE_CONV " + Shapes.str(in) + " -> " + Shapes.str(out) + " " + kh + "x" + kw + " stride " + sh + "x"
          + sw + " " + padding + " zp " + zpIn + "/" + zpOut + (sW.length == 1 ? " per-tensor" : " per-channel")
          + (bias == null ? " no bias" : "");
    }
  }

  private static Kernel variant(OpContext ctx, Arithmetic a) {
    return TransposeConvKernels.int8(ctx, TransposeConvKernels.prepare(ctx), a);
  }

  /** An output size whose forward convolution gives back {@code in}, chosen at random among them. */
  private static int outSize(Random r, Padding padding, int in, int k, int stride) {
    while (true) {
      int size = padding == Padding.SAME ? (in - 1) * stride + 1 + r.nextInt(stride)
          : (in - 1) * stride + k + r.nextInt(stride);
      if (ConvGeometry.of(padding, size, k, stride, 1).out() == in) {
        return size;
      }
    }
  }

  @Test
  void t1RealMultiplierQuarterGivesMbqm() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    TConv t = new TConv(new int[] {1, 16, 16, 1}, new int[] {1, 16, 16, 1}, 1, 1, 1, 1, Padding.VALID, 1f, 0,
        new float[] {0.25f}, 1f, 0, new byte[] {1}, new int[] {0}, all);
    QuantizedOracle.Checked c = ORACLE.check("T1 " + t.label(), t.model(), t.inputs());
    assertEquals(64, ORACLE.disagreements("T1 TRANSPOSE_CONV with RUY_MUL", c, BuiltinOperator.TRANSPOSE_CONV,
        ctx -> variant(ctx, Arithmetic.RUY_DOUBLE)));
  }

  /** Dyadic per-channel multipliers: many accumulators exactly on ties of both signs. */
  @Test
  void tiesOfDyadicMultipliers() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) (i - 128);
    }
    for (float[] sW : new float[][] {{0.5f, 0.375f, 0.0625f}, {5f / 64, 3f / 512, 1.5f}}) {
      TConv t = new TConv(new int[] {1, 16, 16, 1}, new int[] {1, 16, 16, 3}, 1, 1, 1, 1, Padding.VALID, 1f, 5, sW, 1f,
          -3, new byte[] {1, -1, 3}, new int[] {0, 7, -7}, all);
      QuantizedOracle.Checked c = ORACLE.check("ties " + t.label(), t.model(), t.inputs());
      ORACLE.disagreements("TRANSPOSE_CONV ties with RUY_MUL", c, BuiltinOperator.TRANSPOSE_CONV,
          ctx -> variant(ctx, Arithmetic.RUY_DOUBLE));
    }
  }

  @Test
  void randomGeometries() {
    Random r = new Random(61);
    for (int i = 0; i < 150; i++) {
      Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      int kh = 1 + r.nextInt(5);
      int kw = 1 + r.nextInt(5);
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      int[] in = {1 + r.nextInt(2), 1 + r.nextInt(8), 1 + r.nextInt(8), 1 + r.nextInt(8)};
      int outC = 1 + r.nextInt(12);
      int[] out = {in[0], outSize(r, padding, in[1], kh, sh), outSize(r, padding, in[2], kw, sw), outC};
      boolean perChannel = r.nextInt(4) != 0;
      float sIn = logUniform(r, 1e-3, 1);
      float[] sW = QuantizedModels.logUniform(r, perChannel ? outC : 1, 1e-4, 1e-1);
      // Each output gathers up to ceil(kh/sh) * ceil(kw/sw) * inC products.
      int taps = ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw) * in[3];
      double real = (30 + r.nextInt(90)) / (Math.sqrt(taps) * 74 * 74);
      float sOut = (float) ((double) sIn * sW[0] / real);
      int[] bias = null;
      if (r.nextInt(4) != 0) {
        bias = new int[outC];
        for (int c = 0; c < outC; c++) {
          bias[c] = r.nextInt(20001) - 10000;
        }
      }
      TConv t = new TConv(in, out, kh, kw, sh, sw, padding, sIn, r.nextInt(256) - 128, sW, sOut, r.nextInt(256) - 128,
          QuantizedModels.randomWeights(r, outC * kh * kw * in[3]), bias,
          QuantizedModels.randomCodes(r, QuantizedModels.size(in)));
      QuantizedOracle.Checked c = ORACLE.check("#" + i + " " + t.label(), t.model(), t.inputs());
      ORACLE.disagreements("TRANSPOSE_CONV with RUY_MUL", c, BuiltinOperator.TRANSPOSE_CONV,
          ctx -> variant(ctx, Arithmetic.RUY_DOUBLE));
    }
  }

  /**
   * A 1x1 input scattered by a kh x kw filter (stride 1, VALID): each output pixel receives one
   * input pixel, and the bias puts pixel (0, 0) of every channel on an accumulator where MBQM and
   * ruy's rounding (even channels), or the double and the float product (odd channels), disagree.
   */
  @Test
  void designedAgainstRuyAndFloatProduct() {
    Random r = new Random(62);
    int designedRounding = 0;
    int designedProduct = 0;
    int wrongRounding = 0;
    int wrongProduct = 0;
    for (int model = 0; model < 6; model++) {
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int inC = 1 + r.nextInt(8);
      int outC = 48;
      float sIn = logUniform(r, 1e-3, 3e-2);
      float sOut = logUniform(r, 1e-3, 3e-2);
      float[] sW = new float[outC];
      for (int c = 0; c < outC; c++) {
        sW[c] = QuantizedModels.weightScaleWithDifferentProducts(r, sIn, sOut, 1e-5, 8);
      }
      int zpIn = r.nextInt(256) - 128;
      int zpOut = r.nextInt(41) - 20;
      byte[] w = QuantizedModels.randomWeights(r, outC * kh * kw * inC);
      byte[] x = QuantizedModels.randomCodes(r, inC);
      int[] bias = new int[outC];
      for (int c = 0; c < outC; c++) {
        int dot = 0;
        for (int ic = 0; ic < inC; ic++) {
          dot += (x[ic] - zpIn) * w[(c * kh * kw) * inC + ic];
        }
        QuantMath.Multiplier md = doubleProduct(sIn, sW[c], sOut);
        QuantMath.Multiplier mf = floatProduct(sIn, sW[c], sOut);
        boolean byRounding = c % 2 == 0;
        OptionalInt acc = QuantizedModels.sensitiveAccumulator(r, (double) sIn * sW[c] / sOut, zpOut,
            a -> byRounding ? mbqm(a, md) != ruy(a, md) : mbqm(a, md) != mbqm(a, mf));
        bias[c] = acc.isPresent() ? acc.getAsInt() - dot : r.nextInt(1000);
        if (acc.isPresent()) {
          if (byRounding) {
            designedRounding++;
          } else {
            designedProduct++;
          }
        }
      }
      TConv t = new TConv(new int[] {1, 1, 1, inC}, new int[] {1, kh, kw, outC}, kh, kw, 1, 1, Padding.VALID, sIn,
          zpIn, sW, sOut, zpOut, w, bias, x);
      QuantizedOracle.Checked c = ORACLE.check("designed #" + model + " " + t.label(), t.model(), t.inputs());
      wrongRounding += ORACLE.disagreements("TRANSPOSE_CONV (designed) with RUY_MUL", c,
          BuiltinOperator.TRANSPOSE_CONV, ctx -> variant(ctx, Arithmetic.RUY_DOUBLE));
      wrongProduct += ORACLE.disagreements("TRANSPOSE_CONV (designed) with the FLOAT product", c,
          BuiltinOperator.TRANSPOSE_CONV, ctx -> variant(ctx, Arithmetic.MBQM_FLOAT));
    }
    assertTrue(designedRounding > 80 && designedProduct > 80, designedRounding + " / " + designedProduct);
    assertTrue(wrongRounding >= designedRounding, wrongRounding + " < " + designedRounding);
    assertTrue(wrongProduct >= designedProduct, wrongProduct + " < " + designedProduct);
  }
}
