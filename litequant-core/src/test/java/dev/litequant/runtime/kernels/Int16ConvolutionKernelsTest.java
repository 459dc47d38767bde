package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.Int16Output.Arithmetic;
import dev.litequant.runtime.kernels.Int16Output.Rounding;
import dev.litequant.runtime.kernels.QuantizedOutput.ScaleProduct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * 16x8 CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV against TensorFlow Lite 2.6.2, bit for bit:
 * random geometries, scales, activations and int64 biases; every int16 code through 1x1 filters;
 * designed models whose accumulators exceed int32, whose multipliers differ between the float and
 * the double product of the scales only after the 16-bit cut, and whose multiplier rounds up to
 * 2^15 when cut. Each is also run with an alternative output formula, to show that the oracle
 * tells them apart; and the models 2.6.2 refuses are refused.
 */
class Int16ConvolutionKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("16x8 CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV");
  private static final int[] ACTIVATIONS = {FusedActivation.NONE.code(), FusedActivation.RELU.code(),
      FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code(), FusedActivation.TANH.code()};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  enum Kind { CONV, DEPTHWISE, TRANSPOSE }

  /** One 16x8 convolution; {@code outH, outW} are only read by TRANSPOSE (its output_shape). */
  record Conv(Kind kind, int batches, int h, int w, int inC, int outC, int kh, int kw, int sh, int sw, int dh, int dw,
      Padding padding, int act, float sIn, float[] sW, float sOut, byte[] filter, long[] bias, DataType biasType,
      short[] input, int outH, int outW) {
    BuiltinOperator op() {
      return switch (kind) {
        case CONV -> BuiltinOperator.CONV_2D;
        case DEPTHWISE -> BuiltinOperator.DEPTHWISE_CONV_2D;
        case TRANSPOSE -> BuiltinOperator.TRANSPOSE_CONV;
      };
    }

    Model model() {
      ModelBuilder b = new ModelBuilder();
      Tensor x = Int16Models.input(b, "x", sIn, batches, h, w, inC);
      float[] perChannel = sW.length == outC ? sW : filled(outC, sW[0]);
      Tensor biasT = bias == null ? null : biasType == DataType.INT64
          ? Int16Models.int64Bias(b, "b", bias, sIn, perChannel) : Int16Models.int32Bias(b, "b", bias, sIn, perChannel);
      Tensor y = Int16Models.output(b, "y", sOut, 1);
      List<Tensor> inputs = new ArrayList<>();
      Table o;
      switch (kind) {
        case CONV -> {
          inputs.add(x);
          inputs.add(QuantizedModels.int8Weights(b, "f", filter, sW, 0, outC, kh, kw, inC));
          o = Table.of("Conv2DOptions").with("dilation_h_factor", dh).with("dilation_w_factor", dw)
              .with("fused_activation_function", act);
        }
        case DEPTHWISE -> {
          inputs.add(x);
          inputs.add(QuantizedModels.int8Weights(b, "f", filter, sW, 3, 1, kh, kw, outC));
          o = Table.of("DepthwiseConv2DOptions").with("depth_multiplier", outC / inC).with("dilation_h_factor", dh)
              .with("dilation_w_factor", dw).with("fused_activation_function", act);
        }
        default -> {
          inputs.add(b.constantInts("output_shape", new int[] {batches, outH, outW, outC}, 4));
          inputs.add(QuantizedModels.int8Weights(b, "f", filter, sW, 0, outC, kh, kw, inC));
          inputs.add(x);
          o = Table.of("TransposeConvOptions");
        }
      }
      if (biasT != null) {
        inputs.add(biasT);
      }
      o = o.with("padding", padding.code()).with("stride_h", sh).with("stride_w", sw);
      int version = switch (kind) {
        case CONV -> 4;
        case DEPTHWISE -> 5;
        case TRANSPOSE -> 3;
      };
      b.operator(op(), o, inputs, List.of(y)).setVersion(version);
      return b.output(y).build();
    }

    List<TensorValue> inputs() {
      return List.of(Int16Models.value(input, batches, h, w, inC));
    }

    String label() {
      return op() + " " + batches + "x" + h + "x" + w + "x" + inC + " -> " + outC + ", " + kh + "x" + kw + " stride "
          + sh + "x" + sw + " dilation " + dh + "x" + dw + " " + padding + " act " + act
          + (sW.length == 1 ? " per-tensor" : " per-channel") + (bias == null ? " no bias" : " " + biasType + " bias");
    }

    Conv withBias(long[] b, DataType type) {
      return new Conv(kind, batches, h, w, inC, outC, kh, kw, sh, sw, dh, dw, padding, act, sIn, sW, sOut, filter, b,
          type, input, outH, outW);
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static Kernel variant(OpContext ctx, Kind kind, Arithmetic a) {
    return switch (kind) {
      case CONV -> Int16ConvolutionKernels.conv2d(ctx, a);
      case DEPTHWISE -> Int16ConvolutionKernels.depthwise(ctx, a);
      case TRANSPOSE -> Int16TransposeConv.create(ctx, TransposeConvKernels.prepare(ctx), a);
    };
  }

  /** Runs the alternatives on a checked model and adds their disagreement counts to the tally. */
  private static int[] alternatives(QuantizedOracle.Checked checked, Conv c) {
    String op = c.op().toString();
    return new int[] {
        ORACLE.disagreements(op + " with one rounding and the 31-bit multiplier", checked, c.op(),
            ctx -> variant(ctx, c.kind(), Arithmetic.CONVOLUTION.withRounding(Rounding.FULL_MULTIPLIER))),
        ORACLE.disagreements(op + " with the int8 kernels' MBQM on an int32 accumulator", checked, c.op(),
            ctx -> variant(ctx, c.kind(), Arithmetic.CONVOLUTION.withRounding(Rounding.MBQM_INT32))),
        ORACLE.disagreements(op + " with the FLOAT product of the scales", checked, c.op(),
            ctx -> variant(ctx, c.kind(), Arithmetic.CONVOLUTION.withProduct(ScaleProduct.FLOAT)))};
  }

  private static Conv randomConv(Random r, Kind kind) {
    while (true) {
      int kh = 1 + r.nextInt(4);
      int kw = 1 + r.nextInt(4);
      boolean transpose = kind == Kind.TRANSPOSE;
      int dh = !transpose && r.nextInt(4) == 0 ? 2 : 1;
      int dw = !transpose && r.nextInt(4) == 0 ? 2 : 1;
      int h = 1 + r.nextInt(transpose ? 8 : 16);
      int w = 1 + r.nextInt(transpose ? 8 : 16);
      int sh = 1 + r.nextInt(3);
      int sw = 1 + r.nextInt(3);
      Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      if (!transpose && padding == Padding.VALID && (h < (kh - 1) * dh + 1 || w < (kw - 1) * dw + 1)) {
        continue;
      }
      int inC = 1 + r.nextInt(kind == Kind.DEPTHWISE ? 5 : 8);
      int outC = kind == Kind.DEPTHWISE ? inC * (1 + r.nextInt(3)) : 1 + r.nextInt(12);
      int batches = 1 + r.nextInt(2);
      int outH = 0;
      int outW = 0;
      if (transpose) {
        // The output size whose forward convolution gives back the input's size.
        outH = padding == Padding.SAME ? h * sh : (h - 1) * sh + kh;
        outW = padding == Padding.SAME ? w * sw : (w - 1) * sw + kw;
      }
      int taps = kh * kw * (kind == Kind.DEPTHWISE ? 1 : inC);
      boolean perChannel = r.nextInt(4) != 0;
      float sIn = QuantizedModels.logUniform(r, 1e-5, 1e-2);
      float[] sW = QuantizedModels.logUniform(r, perChannel ? outC : 1, 1e-4, 1e-1);
      // An output scale that keeps typical accumulators well inside the int16 range.
      double real = (3000 + r.nextInt(12000)) / (Math.sqrt(taps) * 18000.0 * 74);
      float sOut = (float) ((double) sIn * sW[0] / real);
      byte[] filter = QuantizedModels.randomWeights(r, outC * kh * kw * (kind == Kind.DEPTHWISE ? 1 : inC));
      long[] bias = Int16Models.randomBias(r, outC, 1 + (long) (r.nextInt(20000) / real));
      return new Conv(kind, batches, h, w, inC, outC, kh, kw, sh, sw, dh, dw, padding,
          transpose ? 0 : ACTIVATIONS[r.nextInt(ACTIVATIONS.length)], sIn, sW, sOut, filter, bias, DataType.INT64,
          Int16Models.randomCodes(r, batches * h * w * inC), outH, outW);
    }
  }

  @Test
  void randomGeometries() {
    Random r = new Random(1601);
    for (Kind kind : Kind.values()) {
      for (int i = 0; i < 40; i++) {
        Conv c = randomConv(r, kind);
        if (kind == Kind.DEPTHWISE && i % 8 == 0) {
          // 2.6.2 runs a 16x8 DEPTHWISE_CONV_2D without bias (its CONV_2D refuses one).
          c = c.withBias(null, null);
        }
        alternatives(ORACLE.check("#" + i + " " + c.label(), c.model(), c.inputs()), c);
      }
    }
  }

  /**
   * Every int16 code through a 1x1 filter per output channel (four channels, scales of both signs
   * of rounding error, biases of both signs): the output stage on the whole input range; the last
   * set has dyadic scales, whose outputs often sit exactly on a rounding tie.
   */
  @Test
  void everyCodeThroughOneByOneFilters() {
    Random r = new Random(1602);
    for (Kind kind : new Kind[] {Kind.CONV, Kind.DEPTHWISE, Kind.TRANSPOSE}) {
      for (int set = 0; set < 3; set++) {
        int outC = 4;
        float sIn = QuantizedModels.logUniform(r, 1e-5, 1e-3);
        float[] sW = QuantizedModels.logUniform(r, outC, 1e-3, 1e-1);
        float sOut = (float) (sIn * sW[0] * (40 + r.nextInt(60)));
        if (set == 2) {
          // Dyadic multipliers (exact in float and double) put many outputs exactly on ties.
          sIn = 1f / 1024;
          sW = new float[] {0.5f, 0.375f, 0.0625f, 1.5f};
          sOut = 1f / 64;
        }
        byte[] filter = {(byte) (1 + r.nextInt(127)), (byte) -(1 + r.nextInt(127)), 1, (byte) (r.nextInt(255) - 127)};
        long[] bias = Int16Models.randomBias(r, outC, 100000);
        int inC = kind == Kind.DEPTHWISE ? outC : 1;
        short[] codes = Int16Models.allCodes();
        short[] input = kind == Kind.DEPTHWISE ? new short[codes.length * inC] : codes;
        if (kind == Kind.DEPTHWISE) {
          for (int i = 0; i < input.length; i++) {
            input[i] = codes[i / inC];
          }
        }
        Conv c = new Conv(kind, 1, 256, 256, inC, outC, 1, 1, 1, 1, 1, 1, Padding.VALID, 0, sIn, sW, sOut, filter, bias,
            DataType.INT64, input, 256, 256);
        alternatives(ORACLE.check("every code " + c.label(), c.model(), c.inputs()), c);
      }
    }
  }

  /**
   * One-pixel VALID convolutions per batch whose bias puts each channel's accumulator where a chosen
   * alternative differs: beyond the int32 range (even channels), or on scales whose float and double
   * products still differ after the 16-bit cut (odd channels). Each designed output must flip under
   * its alternative. TRANSPOSE_CONV takes one pixel through a 1x1 filter.
   */
  @Test
  void designedAgainstInt32AccumulatorsAndFloatProducts() {
    Random r = new Random(1603);
    for (Kind kind : Kind.values()) {
      int designedWide = 0;
      int designedProduct = 0;
      int[] wrong = new int[3];
      for (int model = 0; model < 4; model++) {
        // A transpose convolution of a 1x1 filter over one pixel sums like a 1x1 CONV_2D.
        int kh = kind == Kind.TRANSPOSE ? 1 : 1 + r.nextInt(3);
        int kw = kind == Kind.TRANSPOSE ? 1 : 1 + r.nextInt(3);
        int inC = kind == Kind.DEPTHWISE ? 8 : 1 + r.nextInt(4);
        int outC = kind == Kind.DEPTHWISE ? 16 : 24;
        int dm = outC / inC;
        float[] base = Int16Models.scalesWithDifferent16BitProducts(r, 1e-3);
        float sIn = base[0];
        float sOut = base[2];
        float[] sW = new float[outC];
        for (int c = 0; c < outC; c++) {
          if (c % 2 == 1) {
            // Keep this channel's input and output scales; search its weight scale alone.
            sW[c] = weightScaleWithDifferent16BitProducts(r, sIn, sOut, 1e-3);
          } else {
            // Tiny multipliers: accumulators of 2^36 and more still give codes in range.
            sW[c] = (float) (sOut * 1e-8 * (1 + r.nextDouble()) / sIn);
          }
        }
        byte[] filter = QuantizedModels.randomWeights(r, outC * kh * kw * (kind == Kind.DEPTHWISE ? 1 : inC));
        short[] input = Int16Models.randomCodes(r, 2 * kh * kw * inC);
        long[] bias = new long[outC];
        for (int c = 0; c < outC; c++) {
          long dot = 0;
          for (int t = 0; t < kh * kw; t++) {
            if (kind == Kind.DEPTHWISE) {
              dot += filter[t * outC + c] * input[t * inC + c / dm];
            } else {
              for (int ic = 0; ic < inC; ic++) {
                dot += filter[(c * kh * kw + t) * inC + ic] * input[t * inC + ic];
              }
            }
          }
          QuantMath.Multiplier right = QuantizedModels.doubleProduct(sIn, sW[c], sOut);
          QuantMath.Multiplier other = QuantizedModels.floatProduct(sIn, sW[c], sOut);
          double real = (double) sIn * sW[c] / sOut;
          long acc = c % 2 == 0
              ? Int16Models.sensitiveAccumulator(r, real, a -> Math.abs(a) > (1L << 33)
                  && Int16Models.mbqm64(a, right) != QuantMath.mbqm((int) a, right.multiplier(), right.shift()))
              : Int16Models.sensitiveAccumulator(r, real, a -> Int16Models.mbqm64(a, right) != Int16Models.mbqm64(a, other));
          if (acc == Long.MIN_VALUE) {
            bias[c] = r.nextInt(1000);
            continue;
          }
          bias[c] = acc - dot;
          if (c % 2 == 0) {
            designedWide++;
          } else {
            designedProduct++;
          }
        }
        Conv c = new Conv(kind, 2, kh, kw, inC, outC, kh, kw, 1, 1, 1, 1, Padding.VALID, 0, sIn, sW, sOut, filter, bias,
            DataType.INT64, input, 1, 1);
        int[] w = alternatives(ORACLE.check("designed #" + model + " " + c.label(), c.model(), c.inputs()), c);
        for (int i = 0; i < 3; i++) {
          wrong[i] += w[i];
        }
      }
      assertTrue(designedWide > 30 && designedProduct > 30, designedWide + " / " + designedProduct);
      assertTrue(wrong[1] >= designedWide, kind + ": int32 accumulator wrong on " + wrong[1] + " < " + designedWide);
      assertTrue(wrong[2] >= designedProduct, kind + ": float product wrong on " + wrong[2] + " < " + designedProduct);
    }
  }

  private static float weightScaleWithDifferent16BitProducts(Random r, float sIn, float sOut, double target) {
    while (true) {
      float sW = (float) (target * sOut / sIn * (0.5 + r.nextDouble()));
      QuantMath.Multiplier f = QuantizedModels.floatProduct(sIn, sW, sOut);
      QuantMath.Multiplier d = QuantizedModels.doubleProduct(sIn, sW, sOut);
      if (f.shift() == d.shift() && Int16Models.cut16(f.multiplier()) != Int16Models.cut16(d.multiplier())) {
        return sW;
      }
    }
  }

  /**
   * Multipliers whose mantissa is within 2^-16 of 1: cut to 16 bits, {@code (M + 2^15) >> 16}
   * would be 2^15 (or, in int32 arithmetic, wrap to -2^15); 2.6.2 uses 0x7FFF. Every code through
   * a 1x1 CONV_2D shows which.
   */
  @Test
  void multiplierThatRoundsUpWhenCut() {
    Random r = new Random(1604);
    float sIn = 1f / 1024;
    float sOut = 1f / 8;
    float[] sW = new float[2];
    for (int c = 0; c < 2; c++) {
      while (true) {
        // Real multiplier (1 - eps) / 16 with eps near 1e-5; weights of 16 keep outputs unsaturated.
        float candidate = (float) (64.0 * (1 - 1e-5 * (0.1 + r.nextDouble())) * sOut / sIn / 1024);
        QuantMath.Multiplier m = QuantizedModels.doubleProduct(sIn, candidate, sOut);
        if (m.multiplier() >= 0x7FFF8000) {
          sW[c] = candidate;
          break;
        }
      }
    }
    Conv c = new Conv(Kind.CONV, 1, 256, 256, 1, 2, 1, 1, 1, 1, 1, 1, Padding.VALID, 0, sIn, sW, sOut,
        new byte[] {16, -16}, new long[] {0, 0}, DataType.INT64, Int16Models.allCodes(), 0, 0);
    QuantizedOracle.Checked checked = ORACLE.check("multiplier near 2^31 " + c.label(), c.model(), c.inputs());
    assertTrue(ORACLE.disagreements("CONV_2D with one rounding and the 31-bit multiplier (M near 2^31)", checked,
        c.op(), ctx -> variant(ctx, Kind.CONV, Arithmetic.CONVOLUTION.withRounding(Rounding.FULL_MULTIPLIER))) > 0);
  }

  /**
   * TRANSPOSE_CONV with its output_shape given at run time (as in the seanet layer): LiteQuant
   * fixes the output to the declared shape, runs like 2.6.2 when the values match, and stops with
   * a clear error when they do not.
   */
  @Test
  void transposeOutputShapeGivenAtRunTime() {
    Random r = new Random(1607);
    Conv c = randomConv(r, Kind.TRANSPOSE);
    Model m = c.model();
    var op = m.mainSubgraph().operators().get(0);
    Tensor constant = op.inputs().get(0);
    ModelBuilder b = new ModelBuilder();
    Tensor runtimeShape = b.input("output_shape", DataType.INT32, 4);
    op.inputs().set(0, runtimeShape);
    m.mainSubgraph().inputs().add(0, runtimeShape);
    m.mainSubgraph().tensors().add(runtimeShape);
    m.mainSubgraph().tensors().remove(constant);
    op.outputs().get(0).setShape(Shape.of(c.batches(), c.outH(), c.outW(), c.outC()));
    int[] shape = {c.batches(), c.outH(), c.outW(), c.outC()};
    List<TensorValue> inputs = List.of(TensorValue.ofInts(Shape.of(4), shape), c.inputs().get(0));
    ORACLE.check("runtime output_shape " + c.label(), m, inputs);
    int[] other = shape.clone();
    other[1]++;
    List<TensorValue> wrong = List.of(TensorValue.ofInts(Shape.of(4), other), c.inputs().get(0));
    dev.litequant.InvalidArgumentException e = assertThrows(
        InvalidArgumentException.class,
        () -> QuantizedOracle.run(m, wrong, InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("declared shape"), e.getMessage());
  }

  // ---- what 2.6.2 refuses ----

  private static Conv small(Kind kind) {
    Random r = new Random(1605);
    while (true) {
      Conv c = randomConv(r, kind);
      if (c.batches() == 1 && c.h() * c.w() <= 64) {
        return c;
      }
    }
  }

  @Test
  void int32BiasIsRefusedLikeTensorFlowLite() {
    for (Kind kind : Kind.values()) {
      Conv c = small(kind);
      Conv int32 = c.withBias(c.bias(), DataType.INT32);
      UnsupportedModelException e = ORACLE.checkRefused(kind + " int32 bias", int32.model(),
          UnsupportedModelException.class);
      assertTrue(e.getMessage().contains("only int64 bias"), e.getMessage());
    }
  }

  @Test
  void conv2dWithoutBiasIsRefusedLikeTensorFlowLite() {
    Conv c = small(Kind.CONV).withBias(null, null);
    UnsupportedModelException e = ORACLE.checkRefused("CONV_2D 16x8 without bias", c.model(),
        UnsupportedModelException.class);
    assertTrue(e.getMessage().contains("without a bias"), e.getMessage());
    String why = QuantizedOracle.oracleRefuses("CONV_2D 16x8 without bias", c.model());
    assertTrue(why.contains("has_bias"), why);
  }

  @Test
  void nonZeroZeroPointsAreRefusedLikeTensorFlowLite() {
    for (Kind kind : Kind.values()) {
      for (int which = 0; which < 2; which++) {
        Model m = small(kind).model();
        var op = m.mainSubgraph().operators().get(0);
        Tensor t = which == 0 ? op.inputs().get(kind == Kind.TRANSPOSE ? 2 : 0) : op.outputs().get(0);
        t.setQuantization(Quantization.perTensor(t.quantization().scale(), 3));
        InvalidModelException e = ORACLE.checkRefused(kind + " zero point 3 on " + (which == 0 ? "input" : "output"),
            m, InvalidModelException.class);
        assertTrue(e.getMessage().contains("zero point 3"), e.getMessage());
      }
    }
  }

  /** The per-tensor and per-channel forms of one random model agree with the oracle alike. */
  @Test
  void perTensorFilterScalesAreRepeatedPerChannel() {
    Random r = new Random(1606);
    int checked = 0;
    while (checked < 3) {
      Conv c = randomConv(r, Kind.CONV);
      if (c.sW().length != 1) {
        continue;
      }
      QuantizedOracle.Checked perTensor = ORACLE.check("per-tensor " + c.label(), c.model(), c.inputs());
      Conv expanded = new Conv(c.kind(), c.batches(), c.h(), c.w(), c.inC(), c.outC(), c.kh(), c.kw(), c.sh(), c.sw(),
          c.dh(), c.dw(), c.padding(), c.act(), c.sIn(), filled(c.outC(), c.sW()[0]), c.sOut(), c.filter(), c.bias(),
          DataType.INT64, c.input(), 0, 0);
      QuantizedOracle.Checked perChannel = ORACLE.check("per-channel " + expanded.label(), expanded.model(),
          expanded.inputs());
      assertEquals(Arrays.toString(perTensor.expected().get(0)), Arrays.toString(perChannel.expected().get(0)));
      checked++;
    }
  }
}
