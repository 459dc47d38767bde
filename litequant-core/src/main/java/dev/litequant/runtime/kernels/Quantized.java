package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Quantization;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * What the integer kernels share: the per-tensor scale and zero point as TensorFlow Lite 2.6.2's
 * kernels read them, typed access to the codes of int8, uint8 and int16 tensors, and the clamping
 * range of a fused activation ({@code CalculateActivationRangeQuantized}). The arithmetic itself is
 * {@code int8-arithmetic.md}; section numbers below refer to it.
 */
final class Quantized {
  private Quantized() {}

  /** Whether a type holds quantized codes that these kernels understand. */
  static boolean isQuantizedType(DataType t) {
    return t == DataType.INT8 || t == DataType.UINT8 || t == DataType.INT16;
  }

  /** The per-tensor parameters of one tensor: {@code real = scale * (code - zeroPoint)}. */
  record Params(float scale, int zeroPoint) {}

  /**
   * The scale and zero point of a quantized tensor. A tensor without them is an inconsistent model
   * (2.6.2 reads scale 0 and divides by it, or aborts); per-axis parameters on an activation are
   * something no 2.6.2 elementwise kernel reads correctly.
   */
  static Params params(OpContext ctx, RuntimeTensor t, String role) {
    Quantization q = t.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has " + role + " " + t + " without quantization parameters (a scale and zero point)");
    }
    if (q.isPerAxis()) {
      throw ctx.unsupported(role + " " + t + " quantized per axis (" + q.scaleCount() + " scales)");
    }
    float s = q.scale();
    if (!(s > 0) || Float.isInfinite(s)) {
      throw ctx.invalid("has " + role + " " + t + " with scale " + s + "; it must be positive and finite");
    }
    long zp = q.zeroPoint();
    if (zp < min(t.type()) || zp > max(t.type())) {
      throw ctx.invalid("has " + role + " " + t + " with zero point " + zp + " outside the "
          + t.type().displayName() + " range [" + min(t.type()) + ", " + max(t.type()) + "]");
    }
    return new Params(s, (int) zp);
  }

  /** Requires int16 tensors to be symmetric (zero point 0), as 2.6.2's int16 kernels do. */
  static void requireZeroPoint0(OpContext ctx, Params p, RuntimeTensor t, String role) {
    if (p.zeroPoint() != 0) {
      throw ctx.invalid("has int16 " + role + " " + t + " with zero point " + p.zeroPoint()
          + "; TensorFlow Lite requires 0 for int16");
    }
  }

  static int min(DataType t) {
    return switch (t) {
      case INT8 -> -128;
      case UINT8 -> 0;
      case INT16 -> -32768;
      default -> throw new IllegalArgumentException(t + " is not a quantized type");
    };
  }

  static int max(DataType t) {
    return switch (t) {
      case INT8 -> 127;
      case UINT8 -> 255;
      case INT16 -> 32767;
      default -> throw new IllegalArgumentException(t + " is not a quantized type");
    };
  }

  /** Reads and writes the codes of an int8, uint8 or int16 tensor as ints. */
  interface Codes {
    int get(int i);

    void set(int i, int v);
  }

  /** Typed access to a tensor's array; fetch it when running (arrays are shared between tensors). */
  static Codes codes(RuntimeTensor t) {
    switch (t.type()) {
      case INT8: {
        byte[] a = t.bytes();
        return new Codes() {
          @Override
          public int get(int i) {
            return a[i];
          }

          @Override
          public void set(int i, int v) {
            a[i] = (byte) v;
          }
        };
      }
      case UINT8: {
        byte[] a = t.bytes();
        return new Codes() {
          @Override
          public int get(int i) {
            return a[i] & 0xFF;
          }

          @Override
          public void set(int i, int v) {
            a[i] = (byte) v;
          }
        };
      }
      case INT16: {
        short[] a = t.shorts();
        return new Codes() {
          @Override
          public int get(int i) {
            return a[i];
          }

          @Override
          public void set(int i, int v) {
            a[i] = (short) v;
          }
        };
      }
      default:
        throw new IllegalStateException(t + " holds no quantized codes");
    }
  }

  /** A clamping range [lo, hi] of output codes. */
  record Range(int lo, int hi) {
    int clamp(int v) {
      return v < lo ? lo : (v > hi ? hi : v);
    }
  }

  /** The whole range of an output type: no activation. */
  static Range fullRange(DataType t) {
    return new Range(min(t), max(t));
  }

  /**
   * {@code CalculateActivationRangeQuantized} (section 1): RELU, RELU6 and RELU_N1_TO_1 clamp at
   * {@code zp + (int) roundf(f / scale)} with the division in float; any other code (TANH,
   * SIGN_BIT) leaves the type range, as 2.6.2 does.
   */
  static Range activationRange(OpContext ctx, int activationCode, Params out, DataType type) {
    int qmin = min(type);
    int qmax = max(type);
    if (activationCode == FusedActivation.RELU.code()) {
      return new Range(Math.max(qmin, quantizeBound(ctx, 0f, out)), qmax);
    }
    if (activationCode == FusedActivation.RELU6.code()) {
      return new Range(Math.max(qmin, quantizeBound(ctx, 0f, out)), Math.min(qmax, quantizeBound(ctx, 6f, out)));
    }
    if (activationCode == FusedActivation.RELU_N1_TO_1.code()) {
      return new Range(Math.max(qmin, quantizeBound(ctx, -1f, out)), Math.min(qmax, quantizeBound(ctx, 1f, out)));
    }
    return new Range(qmin, qmax);
  }

  /**
   * {@code zp + (int32) roundf(f / scale)}; 2.6.2 refuses bounds outside int32, compared in float,
   * so 2^31 itself passes and converts to 0x80000000 as on x86.
   */
  static int quantizeBound(OpContext ctx, float f, Params out) {
    float r = QuantMath.roundHalfAwayFromZero(f / out.scale());
    if (!(r >= -2147483648f && r <= 2147483648f)) {
      throw ctx.invalid("has an activation bound " + f + " that is " + r + " steps of the output scale "
          + out.scale() + ", outside the int32 range");
    }
    return out.zeroPoint() + QuantMath.x86ToInt(r);
  }

  /**
   * {@code QuantizeMultiplierSmallerThanOneExp}: 2.6.2 aborts the process (a CHECK) unless
   * {@code 0 < m < 1}; here that is an inconsistent model.
   */
  static QuantMath.Multiplier smallerThanOne(OpContext ctx, double m, String what) {
    if (!(m > 0 && m < 1)) {
      throw ctx.invalid("needs " + what + " multiplier " + m + " in (0, 1); TensorFlow Lite aborts on it");
    }
    return QuantMath.quantizeMultiplier(m);
  }
}
