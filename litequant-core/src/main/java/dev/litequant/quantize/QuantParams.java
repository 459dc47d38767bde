package dev.litequant.quantize;

import dev.litequant.graph.Quantization;
import dev.litequant.quant.QuantMath;

/**
 * The official quantizer's formulas for quantization parameters and quantized values, with the
 * same float/double steps, so that LiteQuant's int8 weights and biases equal the converter's.
 */
public final class QuantParams {
  public static final int INT8_MIN = -128;
  public static final int INT8_MAX = 127;
  public static final int WEIGHT_MAX = 127;
  /** The smallest code of an int8, uint8 or int16 tensor. */
  public static int min(dev.litequant.graph.DataType type) {
    return switch (type) {
      case INT16 -> Short.MIN_VALUE;
      case UINT8 -> 0;
      default -> INT8_MIN;
    };
  }

  /** The largest code of an int8, uint8 or int16 tensor. */
  public static int max(dev.litequant.graph.DataType type) {
    return switch (type) {
      case INT16 -> Short.MAX_VALUE;
      case UINT8 -> 255;
      default -> INT8_MAX;
    };
  }

  /** Activation ranges narrower than this are widened (see {@link #asymmetric(float, float)}). */
  public static final double MIN_RANGE = 1e-6;

  private QuantParams() {}

  /**
   * Asymmetric int8 parameters for activations ({@code GetAsymmetricQuantizationParams}): the
   * range widened to contain 0, scale = range / 255, and the zero point that represents the end of
   * the range with the smaller error, rounded and clamped.
   *
   * <p>Unlike that function, a range narrower than {@link #MIN_RANGE} (a tensor that was always 0)
   * is first widened to at least [-5e-7, 5e-7], as the newer AI Edge Quantizer does: the classic
   * quantizer's scale 0 makes TensorFlow Lite 2.6.2 abort when it prepares ADD or SUB.
   */
  public static Quantization asymmetric(float min, float max) {
    return asymmetric(min, max, INT8_MIN, INT8_MAX);
  }

  public static Quantization asymmetric(float min, float max, int qmin, int qmax) {
    double lo = Math.min(min, 0f);
    double hi = Math.max(max, 0f);
    if (hi - lo < MIN_RANGE) {
      lo = Math.min(lo, -MIN_RANGE / 2);
      hi = Math.max(hi, MIN_RANGE / 2);
    }
    double scale = (hi - lo) / (qmax - qmin);
    double zeroFromMin = qmin - lo / scale;
    double zeroFromMax = qmax - hi / scale;
    double errorFromMin = Math.abs(qmin) + Math.abs(lo / scale);
    double errorFromMax = Math.abs(qmax) + Math.abs(hi / scale);
    double zero = errorFromMin < errorFromMax ? zeroFromMin : zeroFromMax;
    long zp;
    if (zero <= qmin) {
      zp = qmin;
    } else if (zero >= qmax) {
      zp = qmax;
    } else {
      zp = QuantMath.roundHalfAwayFromZero(zero);
    }
    return Quantization.perTensor((float) scale, zp);
  }

  /**
   * Symmetric parameters (zero point 0) for int16 activations: scale = max(|min|, |max|) / 32767.
   */
  public static Quantization symmetric16(float min, float max) {
    float range = Math.max((float) (MIN_RANGE / 2), Math.max(Math.abs(min), Math.abs(max)));
    return Quantization.perTensor(range / 32767f, 0);
  }

  /** A weight tensor quantized symmetrically to int8. */
  public record QuantizedWeights(byte[] values, float[] scales) {}

  /**
   * Per-tensor symmetric int8 ({@code SymmetricQuantizeFloats}): scale = max|w| / 127, values
   * rounded (half away from zero) after multiplying by 127 / max|w|; all-zero weights get scale 1.
   */
  public static QuantizedWeights perTensor(float[] w) {
    float range = 0f;
    for (float v : w) {
      range = Math.max(range, Math.abs(v));
    }
    byte[] q = new byte[w.length];
    if (range == 0f) {
      return new QuantizedWeights(q, new float[] {1f});
    }
    float inverse = WEIGHT_MAX / range;
    for (int i = 0; i < w.length; i++) {
      q[i] = (byte) clampWeight(QuantMath.roundHalfAwayFromZero(w[i] * inverse));
    }
    return new QuantizedWeights(q, new float[] {range / WEIGHT_MAX});
  }

  /**
   * Per-channel symmetric int8 along {@code axis}: scale_c = max|w_c| / 127, values rounded
   * (half away from zero) after multiplying by 127 / max|w_c| in float, which is what reproduces
   * the official converter's weights exactly (not 1 / scale_c); an all-zero channel has scale 0.
   */
  public static QuantizedWeights perChannel(float[] w, int[] shape, int axis) {
    int channels = shape[axis];
    int inner = 1;
    for (int d = axis + 1; d < shape.length; d++) {
      inner *= shape[d];
    }
    float[] max = new float[channels];
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      max[c] = Math.max(max[c], Math.abs(w[i]));
    }
    float[] scales = new float[channels];
    float[] inverse = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = max[c] / WEIGHT_MAX;
      inverse[c] = max[c] == 0f ? 0f : WEIGHT_MAX / max[c];
    }
    byte[] q = new byte[w.length];
    for (int i = 0; i < w.length; i++) {
      int c = (i / inner) % channels;
      q[i] = (byte) clampWeight(QuantMath.roundHalfAwayFromZero(w[i] * inverse[c]));
    }
    return new QuantizedWeights(q, scales);
  }

  private static int clampWeight(float v) {
    return (int) Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, v));
  }

  /**
   * int32 biases ({@code SymmetricPerLayerBiasQuantize} / {@code ...PerChannel...}): scale_c =
   * input scale x weight scale_c in float; values rounded after multiplying by 1 / scale_c, clamped
   * to +-(2^31 - 1).
   */
  public static int[] bias32(float[] bias, float inputScale, float[] weightScales) {
    int[] q = new int[bias.length];
    for (int i = 0; i < bias.length; i++) {
      float scale = inputScale * weightScales[weightScales.length == 1 ? 0 : i];
      float inverse = scale == 0f ? 0f : (float) (1.0 / scale);
      float v = QuantMath.roundHalfAwayFromZero(bias[i] * inverse);
      q[i] = (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
    return q;
  }

  /** int64 biases for 16x8 operators (same scales, no int32 clamp). */
  public static long[] bias64(float[] bias, float inputScale, float[] weightScales) {
    long[] q = new long[bias.length];
    for (int i = 0; i < bias.length; i++) {
      float scale = inputScale * weightScales[weightScales.length == 1 ? 0 : i];
      double inverse = scale == 0f ? 0 : 1.0 / scale;
      q[i] = QuantMath.roundHalfAwayFromZero(bias[i] * inverse);
    }
    return q;
  }

  /** The bias scales stored in the file: input scale x weight scale, one per channel. */
  public static float[] biasScales(float inputScale, float[] weightScales, int channels) {
    float[] s = new float[channels];
    for (int i = 0; i < channels; i++) {
      s[i] = inputScale * weightScales[weightScales.length == 1 ? 0 : i];
    }
    return s;
  }

  /** Quantizes one float to int8 with the given parameters (for constants like PADV2's value). */
  public static int quantize(float v, float scale, long zeroPoint, int qmin, int qmax) {
    if (scale == 0f) {
      return (int) zeroPoint;
    }
    long q = QuantMath.roundHalfAwayFromZero((double) v / scale) + zeroPoint;
    return (int) Math.max(qmin, Math.min(qmax, q));
  }
}
