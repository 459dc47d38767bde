package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.QuantizedOutput.ScaleProduct;

/**
 * The output stage of TensorFlow Lite 2.6.2's 16x8 kernels (int16 activations, int8 weights):
 * an int64 accumulator becomes an int16 code through a fixed-point multiplier per output channel
 * and a clamp to the fused activation's range; there is no output zero point, 2.6.2 requires 0.
 * Also the parameter checks the 16x8 convolutions and matrix products share
 * ({@code int8-arithmetic.md}, sections 1 to 3).
 */
final class Int16Output {
  private Int16Output() {}

  /** How the multiplier is applied to the int64 accumulator. */
  enum Rounding {
    /** What 2.6.2 runs: the multiplier cut to 16 bits, one rounding (half up). */
    MBQM64,
    /** One rounding with the whole 31-bit multiplier, as ruy rounds (an alternative for tests). */
    FULL_MULTIPLIER,
    /** The int8 kernels' two roundings on the accumulator cut to int32 (an alternative for tests). */
    MBQM_INT32
  }

  /** The arithmetic of one 16x8 kernel: which rounding, and how the scales are multiplied. */
  record Arithmetic(Rounding rounding, ScaleProduct product) {
    static final Arithmetic CONVOLUTION = new Arithmetic(Rounding.MBQM64, ScaleProduct.DOUBLE);
    static final Arithmetic MATRIX_PRODUCT = new Arithmetic(Rounding.MBQM64, ScaleProduct.FLOAT);

    Arithmetic withRounding(Rounding r) {
      return new Arithmetic(r, product);
    }

    Arithmetic withProduct(ScaleProduct p) {
      return new Arithmetic(rounding, p);
    }

    double realMultiplier(float inputScale, float weightScale, float outputScale) {
      double p = product == ScaleProduct.FLOAT ? (double) (inputScale * weightScale)
          : (double) inputScale * (double) weightScale;
      return p / (double) outputScale;
    }
  }

  /** Per-channel multipliers and shifts and the clamp range of int16 outputs. */
  record Stage(int[] multipliers, int[] shifts, int min, int max, Rounding rounding) {
    /** The output code of accumulator {@code acc} in output channel {@code c}. */
    int apply(long acc, int c) {
      int m = multipliers[c];
      int s = shifts[c];
      int scaled = switch (rounding) {
        case MBQM64 -> QuantMath.mbqm64(acc, m, s);
        case FULL_MULTIPLIER -> (int) ((acc * m + (1L << (30 - s))) >> (31 - s));
        case MBQM_INT32 -> QuantMath.mbqm((int) acc, m, s);
      };
      return QuantMath.clamp(scaled, min, max);
    }
  }

  /**
   * The stage for weight scales {@code weightScales} (one per output channel) and the clamp range
   * {@code range}. The 16-bit multiply shifts right by {@code 15 - shift}, so multipliers of 2^14
   * and more (which 2.6.2 only asserts against in debug builds) are refused.
   */
  static Stage stage(OpContext ctx, float inputScale, float[] weightScales, float outputScale, Quantized.Range range,
      Arithmetic arithmetic) {
    int n = weightScales.length;
    int[] m = new int[n];
    int[] s = new int[n];
    for (int c = 0; c < n; c++) {
      double real = arithmetic.realMultiplier(inputScale, weightScales[c], outputScale);
      QuantMath.Multiplier q = QuantMath.quantizeMultiplier(real);
      if (q.shift() > 14) {
        throw ctx.unsupported("a real output multiplier of " + real + " (channel " + c + ": input scale "
            + inputScale + ", weight scale " + weightScales[c] + ", output scale " + outputScale
            + "); 16x8 multipliers of 2^14 and more are not supported");
      }
      m[c] = q.multiplier();
      s[c] = q.shift();
    }
    return new Stage(m, s, range.lo(), range.hi(), arithmetic.rounding());
  }

  /**
   * The per-tensor scales of a 16x8 operator's int16 input and output, which 2.6.2 requires to be
   * symmetric (zero point 0); {@code role} names the tensor in messages.
   */
  static Quantized.Params symmetric(OpContext ctx, RuntimeTensor t, String role) {
    if (t.type() != DataType.INT16) {
      throw ctx.invalid("has " + t.type().displayName() + " " + role + " " + t + " with int16 activations");
    }
    Quantized.Params p = Quantized.params(ctx, t, role);
    Quantized.requireZeroPoint0(ctx, p, t, role);
    return p;
  }

  /** The weights of a 16x8 operator must be int8 (2.6.2 has no other 16-bit-activation kernel). */
  static void requireInt8Weights(OpContext ctx, RuntimeTensor w) {
    if (w.type() != DataType.INT8) {
      throw ctx.unsupported(w.type().displayName() + " weights " + w + " with int16 activations (only int8 weights)");
    }
  }

  /**
   * The bias of a 16x8 convolution: 2.6.2 reads it as int64, one value per output channel, and
   * refuses int32 (int32 bias for 16x8 came with later operator versions and a
   * {@code quantized_bias_type} option it does not know).
   */
  static void checkInt64Bias(OpContext ctx, RuntimeTensor bias, int channels) {
    if (bias == null) {
      return;
    }
    if (bias.type() != DataType.INT64) {
      throw ctx.unsupported(bias.type().displayName() + " bias " + bias
          + " with int16 activations: TensorFlow Lite 2.6.2 takes only int64 bias for 16x8 operators");
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
