package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.KernelFactory;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * int16 RELU, RELU6, LEAKY_RELU, ABS, LOGISTIC and TANH against TensorFlow Lite 2.6.2: every int16
 * code through each, for several scale pairs, with an alternative formula per operator to show
 * that the sweep tells them apart; and the int16 activations 2.6.2 refuses.
 */
class Int16ActivationKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int16 activations");
  private static final List<TensorValue> EVERY_CODE = List.of(Int16Models.value(Int16Models.allCodes(), 65536));

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model unary(BuiltinOperator op, Table options, float si, float so, int... shape) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = Int16Models.input(b, "x", si, shape);
    Tensor y = Int16Models.output(b, "y", so, shape);
    b.operator(op, options, List.of(x), List.of(y)).setVersion(op == BuiltinOperator.ABS ? 4 : 2);
    return b.output(y).build();
  }

  /** An alternative int16 formula as a kernel: {@code f} is built from the operator's context. */
  static KernelFactory variant(java.util.function.Function<OpContext, IntUnaryOperator> f) {
    return ctx -> {
      RuntimeTensor in = ctx.requireInput(0);
      RuntimeTensor out = ctx.output(0);
      ctx.setOutputShape(0, in.dims());
      IntUnaryOperator g = f.apply(ctx);
      return () -> {
        short[] x = in.shorts();
        short[] y = out.shorts();
        for (int i = 0; i < x.length && i < in.size(); i++) {
          y[i] = (short) g.applyAsInt(x[i]);
        }
      };
    };
  }

  private static float scale(OpContext ctx, int output) {
    RuntimeTensor t = output == 0 ? ctx.requireInput(0) : ctx.output(0);
    return t.quantization().scale();
  }

  /** One rounding (half up) with the 31-bit multiplier, instead of TensorFlow Lite's two. */
  private static int oneRounding(int x, QuantMath.Multiplier m) {
    return QuantMath.ruyMul(x, m.multiplier(), m.shift());
  }

  /**
   * A ratio s_in / s_out between 0.05 and 3: multipliers below 1/2 make TensorFlow Lite's second
   * rounding (a right shift) matter, so the one-rounding alternative shows.
   */
  private static float ratio(Random r) {
    return QuantizedModels.logUniform(r, 0.05, 3);
  }

  @Test
  void reluAndRelu6EveryCode() {
    Random r = new Random(1621);
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.RELU, BuiltinOperator.RELU6}) {
      float hi = op == BuiltinOperator.RELU ? Float.POSITIVE_INFINITY : 6f;
      for (int set = 0; set < 6; set++) {
        float si = QuantizedModels.logUniform(r, 1e-4, 1e-3);
        float so = si / ratio(r);
        QuantizedOracle.Checked c = ORACLE.check(op + " int16 " + si + " -> " + so, unary(op, null, si, so, 65536),
            EVERY_CODE);
        ORACLE.disagreements(op + " with one rounding", c, op, variant(ctx -> {
          QuantMath.Multiplier m = QuantMath.quantizeMultiplier(scale(ctx, 0) / scale(ctx, 1));
          int top = Float.isInfinite(hi) ? 32767 : Math.min(32767, (int) QuantMath.roundHalfAwayFromZero(hi / scale(ctx, 1)));
          return x -> QuantMath.clamp(oneRounding(x, m), 0, top);
        }));
      }
    }
  }

  @Test
  void leakyReluEveryCode() {
    Random r = new Random(1622);
    float[] alphas = {0.01f, 0.2f, 0.3f, 0.7f, 1.5f, -0.3f};
    for (float alpha : alphas) {
      float si = QuantizedModels.logUniform(r, 1e-4, 1e-3);
      float so = si / ratio(r);
      QuantizedOracle.Checked c = ORACLE.check("LEAKY_RELU int16 alpha " + alpha,
          unary(BuiltinOperator.LEAKY_RELU, Table.of("LeakyReluOptions").with("alpha", alpha), si, so, 65536),
          EVERY_CODE);
      ORACLE.disagreements("LEAKY_RELU with the alpha multiplier in double", c, BuiltinOperator.LEAKY_RELU,
          variant(ctx -> {
            QuantMath.Multiplier id = QuantMath.quantizeMultiplier(scale(ctx, 0) / scale(ctx, 1));
            QuantMath.Multiplier a = QuantMath.quantizeMultiplier((double) scale(ctx, 0) * alpha / scale(ctx, 1));
            return x -> QuantMath.clamp(x >= 0 ? QuantMath.mbqm(x, id.multiplier(), id.shift())
                : QuantMath.mbqm(x, a.multiplier(), a.shift()), -32768, 32767);
          }));
      ORACLE.disagreements("LEAKY_RELU with one rounding", c, BuiltinOperator.LEAKY_RELU, variant(ctx -> {
        QuantMath.Multiplier id = QuantMath.quantizeMultiplier(scale(ctx, 0) / scale(ctx, 1));
        QuantMath.Multiplier a = QuantMath.quantizeMultiplier(scale(ctx, 0) * alpha / scale(ctx, 1));
        return x -> QuantMath.clamp(oneRounding(x, x >= 0 ? id : a), -32768, 32767);
      }));
    }
  }

  /** ABS: equal scales copy |q| (with -32768 clamped to 32767), different scales requantize. */
  @Test
  void absEveryCode() {
    Random r = new Random(1623);
    for (int set = 0; set < 5; set++) {
      float si = QuantizedModels.logUniform(r, 1e-4, 1e-3);
      float so = set == 0 ? si : si / ratio(r);
      QuantizedOracle.Checked c = ORACLE.check("ABS int16 " + si + " -> " + so,
          unary(BuiltinOperator.ABS, null, si, so, 65536), EVERY_CODE);
      if (set == 0) {
        assertEquals(32767, (short) ((c.expected().get(0)[0] & 0xFF) | (c.expected().get(0)[1] << 8)),
            "|-32768| clamps to 32767");
      }
      ORACLE.disagreements("ABS with one rounding", c, BuiltinOperator.ABS, variant(ctx -> {
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier(scale(ctx, 0) / scale(ctx, 1));
        return x -> QuantMath.clamp(oneRounding(Math.abs(x), m), -32768, 32767);
      }));
    }
  }

  /**
   * LOGISTIC and TANH over every code: scales that are powers of two (gemmlowp's fixed point: 2^-12
   * for both, 2^-11 for TANH, and 8/32767, which is within 1e-3 of 2^-12 in log2), and random
   * scales (the sigmoid table). Power-of-two cases count how many codes the table would get wrong;
   * table cases count a rounded float evaluation.
   */
  @Test
  void logisticAndTanhEveryCode() {
    Random r = new Random(1624);
    float[] powerOfTwo = {1f / 4096, 1f / 2048, 8f / 32767};
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.LOGISTIC, BuiltinOperator.TANH}) {
      boolean logistic = op == BuiltinOperator.LOGISTIC;
      for (float si : powerOfTwo) {
        QuantizedOracle.Checked c = ORACLE.check(op + " int16 power-of-two input scale " + si,
            unary(op, null, si, 1f / 32768, 65536), EVERY_CODE);
        if (logistic && si == 1f / 2048) {
          continue;
        }
        ORACLE.disagreements(op + " power-of-two scales through the table", c, op,
            ctx -> Int16SigmoidTanh.create(ctx, logistic, Int16SigmoidTanh.Path.TABLE));
      }
      for (int set = 0; set < 6; set++) {
        float si = QuantizedModels.logUniform(r, 1e-5, 2e-3);
        QuantizedOracle.Checked c = ORACLE.check(op + " int16 input scale " + si,
            unary(op, null, si, 1f / 32768, 65536), EVERY_CODE);
        ORACLE.disagreements(op + " table scales with a rounded float evaluation", c, op, variant(ctx -> {
          float s = scale(ctx, 0);
          return x -> {
            double v = (double) x * s;
            double f = logistic ? 1 / (1 + Math.exp(-v)) : Math.tanh(v);
            return QuantMath.clamp((int) QuantMath.roundHalfAwayFromZero(f * 32768), -32768, 32767);
          };
        }));
      }
    }
  }

  /**
   * LOGISTIC needs the output scale to equal 1/32768 exactly; TANH accepts any scale within 1e-3 of
   * 2^-15 in log2 (and computes as if it were 2^-15).
   */
  @Test
  void outputScaleRules() {
    float nearly = (float) (1.0 / 32768 * (1 + 1e-6));
    ORACLE.checkRefused("LOGISTIC output scale 1/32768 (1 + 1e-6)", unary(BuiltinOperator.LOGISTIC, null, 1e-3f,
        nearly, 16), InvalidModelException.class);
    Random r = new Random(1625);
    short[] codes = Int16Models.randomCodes(r, 64);
    ORACLE.check("TANH output scale 1/32768 (1 + 5e-4)", unary(BuiltinOperator.TANH, null, 1e-3f,
        (float) (1.0 / 32768 * (1 + 5e-4)), 64), List.of(Int16Models.value(codes, 64)));
    ORACLE.checkRefused("TANH output scale 1/32768 (1 + 2e-3)", unary(BuiltinOperator.TANH, null, 1e-3f,
        (float) (1.0 / 32768 * (1 + 2e-3)), 16), InvalidModelException.class);
  }

  @Test
  void nonZeroZeroPointsAreRefusedLikeTensorFlowLite() {
    BuiltinOperator[] ops = {BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.LEAKY_RELU,
        BuiltinOperator.ABS, BuiltinOperator.LOGISTIC, BuiltinOperator.TANH};
    for (BuiltinOperator op : ops) {
      for (int which = 0; which < 2; which++) {
        Table o = op == BuiltinOperator.LEAKY_RELU ? Table.of("LeakyReluOptions").with("alpha", 0.2f) : null;
        Model m = unary(op, o, 1e-3f, 1f / 32768, 8);
        var operator = m.mainSubgraph().operators().get(0);
        Tensor t = which == 0 ? operator.inputs().get(0) : operator.outputs().get(0);
        t.setQuantization(Quantization.perTensor(t.quantization().scale(), 5));
        InvalidModelException e = ORACLE.checkRefused(op + " zero point 5", m, InvalidModelException.class);
        assertTrue(e.getMessage().contains("zero point 5"), e.getMessage());
      }
    }
  }

  /** Activations and elementwise operators with no int16 kernel in 2.6.2. */
  @Test
  void operatorsWithoutInt16KernelAreRefused() {
    BuiltinOperator[] ops = {BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.HARD_SWISH, BuiltinOperator.RSQRT,
        BuiltinOperator.LOG_SOFTMAX, BuiltinOperator.L2_NORMALIZATION};
    for (BuiltinOperator op : ops) {
      Table o = op == BuiltinOperator.L2_NORMALIZATION ? Table.of("L2NormOptions") : null;
      ORACLE.checkRefused(op + " int16", unary(op, o, 1e-3f, 1f / 32768, 8), UnsupportedModelException.class);
    }
    ModelBuilder b = new ModelBuilder();
    Tensor x = Int16Models.input(b, "x", 1e-3f, 8);
    Tensor alpha = Int16Models.input(b, "alpha", 1e-3f, 8);
    Tensor y = Int16Models.output(b, "y", 1e-3f, 8);
    b.operator(BuiltinOperator.PRELU, null, List.of(x, alpha), List.of(y));
    ORACLE.checkRefused("PRELU int16", b.output(y).build(), UnsupportedModelException.class);
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.EQUAL, BuiltinOperator.LESS,
        BuiltinOperator.GREATER_EQUAL}) {
      ModelBuilder c = new ModelBuilder();
      Tensor l = Int16Models.input(c, "l", 1e-3f, 8);
      Tensor rr = Int16Models.input(c, "r", 1e-3f, 8);
      Tensor z = c.tensor("z", DataType.BOOL, 8);
      c.operator(op, null, List.of(l, rr), List.of(z));
      ORACLE.checkRefused(op + " int16", c.output(z).build(), UnsupportedModelException.class);
    }
  }
}
