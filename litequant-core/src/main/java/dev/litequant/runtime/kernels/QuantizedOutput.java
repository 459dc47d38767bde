package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * The output stage of TensorFlow Lite 2.6.2's integer convolutions and matrix products: an int32
 * accumulator becomes an output code through a fixed-point multiplier (one per output channel),
 * the output zero point and a clamp to the fused activation's range. Also the parameter checks
 * these kernels share. Sections 1 to 3 of {@code int8-arithmetic.md} give the arithmetic.
 */
final class QuantizedOutput {
  private QuantizedOutput() {}

  /** How the multiplier is applied: ruy's single rounding, or TensorFlow Lite's two roundings. */
  enum Rounding {
    /** ruy's multiply inside int8 GEMMs: one rounding, ties toward +infinity. */
    RUY_MUL,
    /** {@code MultiplyByQuantizedMultiplier}: SRDHM then a rounding right shift. */
    MBQM
  }

  /**
   * How the real multiplier {@code s_in * s_w / s_out} is formed from the float32 scales: the
   * matrix products multiply the two scales in float before widening, the convolutions widen
   * first. The two differ in the last bit of the multiplier, which flips some outputs.
   */
  enum ScaleProduct {
    /** {@code (double)(s_in * s_w) / (double)s_out}. */
    FLOAT,
    /** {@code (double)s_in * (double)s_w / (double)s_out}. */
    DOUBLE
  }

  /** The arithmetic of one kernel: which rounding, which scale product. */
  record Arithmetic(Rounding rounding, ScaleProduct product) {
    static final Arithmetic RUY_FLOAT = new Arithmetic(Rounding.RUY_MUL, ScaleProduct.FLOAT);
    static final Arithmetic RUY_DOUBLE = new Arithmetic(Rounding.RUY_MUL, ScaleProduct.DOUBLE);
    static final Arithmetic MBQM_FLOAT = new Arithmetic(Rounding.MBQM, ScaleProduct.FLOAT);
    static final Arithmetic MBQM_DOUBLE = new Arithmetic(Rounding.MBQM, ScaleProduct.DOUBLE);

    double realMultiplier(float inputScale, float weightScale, float outputScale) {
      double product = product() == ScaleProduct.FLOAT ? (double) (inputScale * weightScale)
          : (double) inputScale * (double) weightScale;
      return product / (double) outputScale;
    }
  }

  /** Per-channel multipliers and shifts, the output zero point and the clamp range. */
  record Stage(int[] multipliers, int[] shifts, int zeroPoint, int min, int max, Rounding rounding) {
    /** The output code of accumulator {@code acc} in output channel {@code c}. */
    int apply(int acc, int c) {
      int scaled = rounding == Rounding.RUY_MUL ? QuantMath.ruyMul(acc, multipliers[c], shifts[c])
          : QuantMath.mbqm(acc, multipliers[c], shifts[c]);
      return QuantMath.clamp(scaled + zeroPoint, min, max);
    }
  }

  /**
   * The stage for weight scales {@code weightScales} (one per output channel), with the output's
   * zero point and the clamp range {@code range}.
   */
  static Stage stage(OpContext ctx, float inputScale, float[] weightScales, float outputScale, int outputZeroPoint,
      int[] range, Arithmetic arithmetic) {
    int n = weightScales.length;
    int[] m = new int[n];
    int[] s = new int[n];
    for (int c = 0; c < n; c++) {
      double real = arithmetic.realMultiplier(inputScale, weightScales[c], outputScale);
      QuantMath.Multiplier q = QuantMath.quantizeMultiplier(real);
      if (q.shift() > 30) {
        // ruy's rounding term 2^(30 - shift) and the left shift of MBQM are undefined beyond this.
        throw ctx.unsupported("a real output multiplier of " + real + " (channel " + c + ": input scale "
            + inputScale + ", weight scale " + weightScales[c] + ", output scale " + outputScale
            + "); multipliers of 2^30 and more are not supported");
      }
      m[c] = q.multiplier();
      s[c] = q.shift();
    }
    return new Stage(m, s, outputZeroPoint, range[0], range[1], arithmetic.rounding());
  }

  /** The smallest code of an integer type. */
  static int typeMin(DataType t) {
    return Quantized.min(t);
  }

  /** The largest code of an integer type. */
  static int typeMax(DataType t) {
    return Quantized.max(t);
  }

  /** {@link Quantized#activationRange} for an output with one scale, as {lo, hi}. */
  static int[] activationRange(OpContext ctx, int activation, RuntimeTensor output) {
    Quantized.Range r = Quantized.activationRange(ctx, activation,
        new Quantized.Params(scale(ctx, output, "output"), zeroPoint(output)), output.type());
    return new int[] {r.lo(), r.hi()};
  }

  /** The single scale of a quantized activation tensor, which must be positive and finite. */
  static float scale(OpContext ctx, RuntimeTensor t, String role) {
    Quantization q = t.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has " + t.type().displayName() + " " + role + " " + t + " without quantization parameters");
    }
    if (q.isPerAxis()) {
      throw ctx.invalid("needs one scale for its " + role + " " + t + ", which has " + q.scaleCount());
    }
    float s = q.scale();
    if (!(s > 0) || Float.isInfinite(s)) {
      throw ctx.invalid("has " + role + " " + t + " with scale " + s + "; it must be positive and finite");
    }
    return s;
  }

  /** The zero point of a per-tensor quantized tensor (0 when the file has none). */
  static int zeroPoint(RuntimeTensor t) {
    Quantization q = t.quantization();
    return q == null || !q.hasScale() ? 0 : (int) q.zeroPoint(0);
  }

  /**
   * The scales of symmetric int8 weights, one per output channel: per axis along {@code axis} with
   * {@code channels} scales, or one scale repeated. Zero points must be 0 (TensorFlow Lite's
   * integer convolutions ignore them).
   */
  static float[] channelScales(OpContext ctx, RuntimeTensor w, int axis, int channels) {
    Quantization q = w.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has " + w.type().displayName() + " weights " + w + " without quantization parameters");
    }
    float[] scales = new float[channels];
    if (q.isPerAxis()) {
      if (q.axis() != axis || q.scaleCount() != channels) {
        throw ctx.invalid("has weights " + w + " with " + q.scaleCount() + " scales along axis " + q.axis()
            + "; it needs " + channels + " scales along axis " + axis);
      }
      for (int c = 0; c < channels; c++) {
        scales[c] = q.scale(c);
      }
    } else {
      java.util.Arrays.fill(scales, q.scale());
    }
    for (int c = 0; c < q.scaleCount(); c++) {
      float s = q.scale(c);
      if (!(s >= 0) || Float.isInfinite(s)) {
        throw ctx.invalid("has weights " + w + " with scale " + s + " in channel " + c
            + "; it must be finite and not negative");
      }
      if (q.zeroPoint(c) != 0) {
        throw ctx.invalid("has weights " + w + " with zero point " + q.zeroPoint(c) + " in channel " + c
            + "; int8 weights must be symmetric (zero point 0)");
      }
    }
    return scales;
  }

  /** Checks that a bias, if present, is int32 with one value per output channel. */
  static void checkInt32Bias(OpContext ctx, RuntimeTensor bias, int channels, RuntimeTensor input) {
    if (bias == null) {
      return;
    }
    if (bias.type() != DataType.INT32) {
      throw ctx.invalid("has " + bias.type().displayName() + " bias " + bias + " for the "
          + input.type().displayName() + " input " + input + "; it needs int32");
    }
    if (bias.size() != channels) {
      throw ctx.invalid("has bias " + bias + " for " + channels + " output channels");
    }
    Quantization q = bias.quantization();
    if (q != null && q.hasScale()) {
      for (int c = 0; c < q.scaleCount(); c++) {
        if (q.zeroPoint(c) != 0) {
          throw ctx.invalid("has bias " + bias + " with zero point " + q.zeroPoint(c) + "; it must be 0");
        }
      }
    }
  }
}
