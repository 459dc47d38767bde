package dev.litequant.runtime.kernels;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.quant.QuantMath;
import dev.litequant.quant.QuantMath.Multiplier;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.Quantized.Codes;
import dev.litequant.runtime.kernels.Quantized.Params;
import dev.litequant.runtime.kernels.Quantized.Range;

/**
 * Reference kernels of the quantized activations, bit-exact with TensorFlow Lite 2.6.2 on x86-64
 * ({@code int8-arithmetic.md}, sections 3.15 and 3.17 to 3.20): RELU, RELU6, RELU_N1_TO_1,
 * LEAKY_RELU, PRELU, HARD_SWISH, ABS and RSQRT in integer arithmetic, LOGISTIC and TANH through
 * the 256-entry table 2.6.2 builds in float when it prepares the operator. RELU, RELU6,
 * LEAKY_RELU and ABS also take symmetric int16, with the same formulas on the int16 range (int16
 * LOGISTIC and TANH are {@link Int16SigmoidTanh}).
 */
final class QuantizedUnaryKernels {
  private QuantizedUnaryKernels() {}

  /** One output code from one input code. */
  @FunctionalInterface
  interface CodeFn {
    int apply(int q);
  }

  private static Kernel map(RuntimeTensor in, RuntimeTensor out, CodeFn f) {
    return () -> {
      Codes x = Quantized.codes(in);
      Codes y = Quantized.codes(out);
      int n = in.size();
      for (int i = 0; i < n; i++) {
        y.set(i, f.apply(x.get(i)));
      }
    };
  }

  /**
   * An operator as a table of its outputs for every input code: 256 entries for the 8-bit types,
   * indexed by the code's low byte, 65536 for int16, indexed by its low 16 bits.
   */
  private static Kernel table(RuntimeTensor in, RuntimeTensor out, CodeFn f) {
    if (in.type() == DataType.INT16) {
      short[] lut = new short[65536];
      for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) {
        lut[v & 0xFFFF] = (short) f.apply(v);
      }
      return () -> {
        short[] x = in.shorts();
        short[] y = out.shorts();
        int n = in.size();
        for (int i = 0; i < n; i++) {
          y[i] = lut[x[i] & 0xFFFF];
        }
      };
    }
    byte[] lut = new byte[256];
    for (int v = Quantized.min(in.type()); v <= Quantized.max(in.type()); v++) {
      lut[v & 0xFF] = (byte) f.apply(v);
    }
    return () -> {
      byte[] x = in.bytes();
      byte[] y = out.bytes();
      int n = in.size();
      for (int i = 0; i < n; i++) {
        y[i] = lut[x[i] & 0xFF];
      }
    };
  }

  private static void requireSameType(OpContext ctx, RuntimeTensor in, RuntimeTensor out, boolean int16) {
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    if (in.type() == DataType.INT16 && !int16) {
      throw ctx.unsupported("int16 " + ctx.operator().displayName() + " (TensorFlow Lite 2.6.2 has no int16 kernel"
          + " for it; int8 and uint8 only)");
    }
  }

  /** 2.6.2's int16 activations require symmetric input and output (zero points 0). */
  private static void requireSymmetricInt16(OpContext ctx, RuntimeTensor in, Params pi, RuntimeTensor out, Params po) {
    if (in.type() == DataType.INT16) {
      Quantized.requireZeroPoint0(ctx, pi, in, "input");
      Quantized.requireZeroPoint0(ctx, po, out, "output");
    }
  }

  /**
   * RELU (lo = 0, no upper bound), RELU6 and RELU_N1_TO_1 (3.17): requantize with the multiplier
   * {@code s_in / s_out} (float quotient), then clamp to the bounds quantized on the output scale.
   * RELU and RELU6 also take symmetric int16 (2.6.2 has no int16 RELU_N1_TO_1).
   */
  static Kernel reluX(OpContext ctx, float actMin, float actMax, boolean int16) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, int16);
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    requireSymmetricInt16(ctx, in, pi, out, po);
    Multiplier m = QuantMath.quantizeMultiplier(pi.scale() / po.scale());
    int qmin = Quantized.min(out.type());
    int qmax = Quantized.max(out.type());
    Range range = new Range(Math.max(qmin, Quantized.quantizeBound(ctx, actMin, po)),
        Float.isInfinite(actMax) ? qmax : Math.min(qmax, Quantized.quantizeBound(ctx, actMax, po)));
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    return table(in, out, q -> range.clamp(QuantMath.mbqm(q - zi, m.multiplier(), m.shift()) + zo));
  }

  /**
   * LEAKY_RELU (3.18): non-negative inputs requantized by {@code s_in / s_out}, negative ones by
   * {@code s_in * alpha / s_out} (both float), then clamped to the type; int8, uint8 and
   * symmetric int16.
   */
  static Kernel leakyRelu(OpContext ctx, float alpha) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, true);
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    requireSymmetricInt16(ctx, in, pi, out, po);
    Multiplier mAlpha = QuantMath.quantizeMultiplier(pi.scale() * alpha / po.scale());
    Multiplier mId = QuantMath.quantizeMultiplier(pi.scale() / po.scale());
    Range range = Quantized.fullRange(out.type());
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    return table(in, out, q -> {
      int d = q - zi;
      Multiplier m = d >= 0 ? mId : mAlpha;
      return range.clamp(zo + QuantMath.mbqm(d, m.multiplier(), m.shift()));
    });
  }

  /**
   * PRELU int8/uint8 (3.19, the reference kernel): {@code d = q - zp_in}; non-negative d is
   * requantized by {@code s_in / s_out}, negative d multiplied by {@code (alpha - zp_alpha)} and
   * requantized by {@code s_in * s_alpha / s_out} (float); alpha broadcasts against the input.
   */
  static Kernel prelu(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor alpha = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, false);
    if (alpha.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + alpha.type().displayName() + " alpha");
    }
    int[] shape = Shapes.broadcast(in.dims(), alpha.dims());
    if (shape == null) {
      throw ctx.invalid("cannot broadcast alpha " + alpha + " to " + in);
    }
    ctx.setOutputShape(0, shape);
    Params pi = Quantized.params(ctx, in, "input");
    Params pa = Quantized.params(ctx, alpha, "alpha");
    Params po = Quantized.params(ctx, out, "output");
    Multiplier m1 = QuantMath.quantizeMultiplier(pi.scale() / po.scale());
    Multiplier m2 = QuantMath.quantizeMultiplier(pi.scale() * pa.scale() / po.scale());
    Range range = Quantized.fullRange(out.type());
    int[] mapIn = Shapes.broadcastIndex(in.dims(), shape);
    int[] mapAlpha = Shapes.broadcastIndex(alpha.dims(), shape);
    int zi = pi.zeroPoint();
    int za = pa.zeroPoint();
    int zo = po.zeroPoint();
    return () -> {
      Codes x = Quantized.codes(in);
      Codes a = Quantized.codes(alpha);
      Codes y = Quantized.codes(out);
      for (int i = 0; i < mapIn.length; i++) {
        int d = x.get(mapIn[i]) - zi;
        int v = d >= 0 ? QuantMath.mbqm(d, m1.multiplier(), m1.shift())
            : QuantMath.mbqm(d * (a.get(mapAlpha[i]) - za), m2.multiplier(), m2.shift());
        y.set(i, range.clamp(v + zo));
      }
    };
  }

  /**
   * HARD_SWISH int8/uint8 (3.20), the reference kernel's int16 fixed point: the input on a scale
   * 128 times finer, a "relu-ish" factor in [0, 1] from the input rescaled so that 3.0 maps to
   * 32768 (with saturation), their product with a truncating doubling high multiply, then the
   * output shift. Both multipliers are cut to 16 bits.
   */
  static Kernel hardSwish(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, false);
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    float hires = (1.0f / 128.0f) * pi.scale();
    Multiplier mo = QuantMath.quantizeMultiplier(hires / po.scale());
    Multiplier mr = QuantMath.quantizeMultiplier(hires / (3.0f / 32768.0f));
    if (mo.shift() > 0) {
      throw ctx.invalid("has output multiplier " + (hires / po.scale()) + " (input scale " + pi.scale()
          + " / 128 over output scale " + po.scale() + ") of exponent " + mo.shift()
          + "; TensorFlow Lite requires it <= 0");
    }
    int mo16 = QuantMath.downScaleToInt16(mo.multiplier());
    int mr16 = QuantMath.downScaleToInt16(mr.multiplier());
    int eo = mo.shift();
    int er = mr.shift();
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    int qmin = Quantized.min(out.type());
    int qmax = Quantized.max(out.type());
    return table(in, out, q -> {
      short d = (short) (q - zi);
      short hiresValue = (short) (d * 128);
      short preshiftOutput = (short) QuantMath.srdhm16(hiresValue, mo16);
      short reluish = hiresValue;
      if (er > 0) {
        reluish = saturatingLeftShift16(reluish, er - 1);
      }
      reluish = (short) QuantMath.srdhm16(reluish, mr16);
      if (er > 0) {
        reluish = saturatingLeftShift16(reluish, 1);
      }
      if (er < 0) {
        reluish = (short) QuantMath.rdbpot(reluish, -er);
      }
      reluish = (short) ((reluish + (1 << 15)) >> 1);
      short preshiftValue = saturatingDoublingHighMul16(reluish, preshiftOutput);
      // int16 arithmetic throughout, as in the C++: the zero point is added to an int16.
      short o = (short) QuantMath.rdbpot(preshiftValue, -eo);
      o = (short) (o + zo);
      return Math.max(Math.min(o, qmax), qmin);
    });
  }

  /** {@code value * 2^amount} clamped to int16. */
  private static short saturatingLeftShift16(short value, int amount) {
    return (short) QuantMath.clamp(value * (1 << amount), Short.MIN_VALUE, Short.MAX_VALUE);
  }

  /** gemmlowp-style doubling high multiply without rounding (truncating division by 2^15). */
  private static short saturatingDoublingHighMul16(short a, short b) {
    if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
      return Short.MAX_VALUE;
    }
    return (short) ((a * b) / (1 << 15));
  }

  private static void requireInt8(OpContext ctx, RuntimeTensor in, RuntimeTensor out) {
    requireSameType(ctx, in, out, false);
    if (in.type() != DataType.INT8) {
      throw ctx.unsupported(in.type().displayName() + " " + ctx.operator().displayName() + " (int8 only)");
    }
  }

  /**
   * ABS int8 and symmetric int16 (2.6.2's {@code elementwise.cc}): {@code |q - zp_in|}, requantized
   * by {@code s_in / s_out} (float quotient) unless the two scales are equal, plus {@code zp_out},
   * clamped (so int16 -32768 with equal scales gives 32767).
   */
  static Kernel abs(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, true);
    if (in.type() == DataType.UINT8) {
      throw ctx.unsupported("uint8 ABS (int8 and int16 only)");
    }
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    requireSymmetricInt16(ctx, in, pi, out, po);
    boolean rescale = pi.scale() != po.scale();
    Multiplier m = QuantMath.quantizeMultiplier(pi.scale() / po.scale());
    Range range = Quantized.fullRange(out.type());
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    return table(in, out, q -> {
      int magnitude = Math.abs(q - zi);
      return range.clamp((rescale ? QuantMath.mbqm(magnitude, m.multiplier(), m.shift()) : magnitude) + zo);
    });
  }

  /** The 20 fraction bits RSQRT int8 keeps between its two rescalings. */
  private static final int RSQRT_FRACTION_BITS = 20;

  /**
   * RSQRT int8 (2.6.2's {@code elementwise.cc}): 1/sqrt of the offset code {@code d = q - zp_in} as
   * a fixed-point multiplier ({@link SoftmaxKernels#invSqrtMultiplier}), applied to 1 with 20
   * fraction bits, then rescaled by {@code 1 / (sqrt(s_in) * s_out)} (float product, double
   * quotient). {@code d = 0} gives 127. A code below the input zero point (a negative input) is a
   * run-time error, as in 2.6.2.
   */
  static Kernel rsqrt(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireInt8(ctx, in, out);
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    Multiplier m = QuantMath.quantizeMultiplier(1.0 / ((float) Math.sqrt(pi.scale()) * po.scale()));
    Range range = Quantized.fullRange(out.type());
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    byte[] lut = new byte[256];
    for (int q = zi; q <= Quantized.max(in.type()); q++) {
      int d = q - zi;
      int y;
      if (d == 0) {
        y = range.hi();
      } else {
        Multiplier inverse = SoftmaxKernels.invSqrtMultiplier(d, -1);
        int fixed = QuantMath.mbqm(1, inverse.multiplier(), inverse.shift() + RSQRT_FRACTION_BITS);
        y = range.clamp(QuantMath.mbqm(fixed, m.multiplier(), m.shift() - RSQRT_FRACTION_BITS) + zo);
      }
      lut[q & 0xFF] = (byte) y;
    }
    String where = "Operator " + ctx.operatorIndex() + " (RSQRT)";
    return () -> {
      byte[] x = in.bytes();
      byte[] o = out.bytes();
      int n = in.size();
      for (int i = 0; i < n; i++) {
        if (x[i] < zi) {
          throw new InvalidArgumentException(where + " got code " + x[i] + " below the input zero point " + zi
              + " (a negative value); RSQRT is only defined for positive values.");
        }
        o[i] = lut[x[i] & 0xFF];
      }
    };
  }

  /** A float function of the dequantized input: LOGISTIC or TANH. */
  @FunctionalInterface
  interface FloatFn {
    float apply(float x);
  }

  /**
   * LOGISTIC and TANH int8/uint8 (3.15): the table 2.6.2 fills in Prepare, all in float32:
   * {@code round(f(s_in * (v - zp_in)) * (1 / s_out)) + zp_out}, converted as x86 converts and
   * clamped to the type. {@code expf} and {@code tanhf} are taken as the double functions rounded
   * to float. LOGISTIC requires the output scale 1/256 exactly.
   */
  static Kernel lookupActivation(OpContext ctx, boolean logistic) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    requireSameType(ctx, in, out, false);
    ctx.setOutputShape(0, in.dims());
    Params pi = Quantized.params(ctx, in, "input");
    Params po = Quantized.params(ctx, out, "output");
    if (logistic && po.scale() != 1.0 / 256) {
      throw ctx.invalid("has output scale " + po.scale() + "; TensorFlow Lite requires 1/256 for "
          + out.type().displayName() + " LOGISTIC");
    }
    FloatFn f = logistic ? x -> 1.0f / (1.0f + (float) Math.exp(-x)) : x -> (float) Math.tanh(x);
    float inverseScale = 1 / po.scale();
    int qmin = Quantized.min(out.type());
    int qmax = Quantized.max(out.type());
    float si = pi.scale();
    int zi = pi.zeroPoint();
    int zo = po.zeroPoint();
    return table(in, out, v -> {
      float x = si * (float) (v - zi);
      float rescaled = QuantMath.roundHalfAwayFromZero(f.apply(x) * inverseScale);
      int q = QuantMath.x86ToInt(rescaled + (float) zo);
      return Math.max(Math.min(qmax, q), qmin);
    });
  }
}
