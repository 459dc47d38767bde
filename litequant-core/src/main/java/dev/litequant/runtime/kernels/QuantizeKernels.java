package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.QUANTIZE;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * QUANTIZE as TensorFlow Lite 2.6.2 computes it on x86-64 ({@code int8-arithmetic.md}, section
 * 3.21): float32 to int8, uint8 or int16, and requantization from int8 or uint8 to int8 or uint8,
 * and from int16 to int8 or int16. The output has one scale and zero point.
 *
 * <p>Also int32 to int8 or int16, which 2.6.2 refuses (its QUANTIZE reads only 8- and 16-bit
 * codes) but TensorFlow Lite Micro runs, with the same requantization: the seanet layers of
 * tflite-micro hold one, whose golden outputs this reproduces.
 */
public final class QuantizeKernels {
  private QuantizeKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(QUANTIZE, 2, QuantizeKernels::quantize);
  }

  /** Whether float input is divided by the scale in double (2.6.2's kernel) or in float (the reference kernel's). */
  enum Division { DOUBLE, FLOAT }

  static Kernel quantize(OpContext ctx) {
    return quantize(ctx, Division.DOUBLE, QuantizedOutput.Rounding.MBQM);
  }

  /** QUANTIZE with the given arithmetic (tests use the alternatives to show the oracle tells them apart). */
  static Kernel quantize(OpContext ctx, Division division, QuantizedOutput.Rounding rounding) {
    RuntimeTensor in = ctx.requireType(0, DataType.FLOAT32, DataType.INT8, DataType.UINT8, DataType.INT16,
        DataType.INT32);
    RuntimeTensor out = ctx.output(0);
    DataType from = in.type();
    DataType to = out.type();
    boolean supported = switch (from) {
      case FLOAT32 -> to == DataType.INT8 || to == DataType.UINT8 || to == DataType.INT16;
      case INT8, UINT8 -> to == DataType.INT8 || to == DataType.UINT8;
      case INT16, INT32 -> to == DataType.INT8 || to == DataType.INT16;
      default -> false;
    };
    if (!supported) {
      throw ctx.unsupported("QUANTIZE from " + from.displayName() + " to " + to.displayName());
    }
    Quantization oq = out.quantization();
    if (oq != null && oq.isPerAxis()) {
      throw ctx.unsupported("QUANTIZE to per-axis output " + out + " (" + oq.scaleCount() + " scales)");
    }
    float outScale = QuantizedOutput.scale(ctx, out, "output");
    // int16 zero points other than 0 are unusual (int16 activations are meant to be symmetric) but
    // 2.6.2 accepts them and applies the same affine formula, so they are not refused here.
    int zpOut = QuantizedOutput.zeroPoint(out);
    ctx.setOutputShape(0, in.dims());
    int lo = QuantizedOutput.typeMin(to);
    int hi = QuantizedOutput.typeMax(to);
    if (from == DataType.FLOAT32) {
      FloatQuantizer fq = new FloatQuantizer(outScale, zpOut, lo, hi, division);
      return () -> fq.run(in, out);
    }
    float inScale = QuantizedOutput.scale(ctx, in, "input");
    int zpIn = QuantizedOutput.zeroPoint(in);
    if (from == DataType.INT16 && to == DataType.INT16 && (zpIn != 0 || zpOut != 0)) {
      // TensorFlow Lite checks this for int16 to int16 only (not for float or int16 to int8).
      throw ctx.invalid("requantizes int16 with zero points " + zpIn + " and " + zpOut + "; both must be 0");
    }
    QuantMath.Multiplier m = QuantMath.quantizeMultiplier((double) inScale / (double) outScale);
    if (m.shift() > 30) {
      throw ctx.unsupported("requantizing with a scale ratio of " + ((double) inScale / outScale) + " (input scale "
          + inScale + ", output scale " + outScale + "); ratios of 2^30 and more are not supported");
    }
    QuantizedOutput.Stage stage = new QuantizedOutput.Stage(new int[] {m.multiplier()}, new int[] {m.shift()}, zpOut,
        lo, hi, rounding);
    return () -> requantize(in, out, zpIn, stage);
  }

  /**
   * Float to integer: {@code clamp((int)round(x / scale) + zp)}. 2.6.2 divides the float by the
   * scale widened to double and rounds half away from zero in double; the conversion to int32 is
   * x86's, so NaN and values beyond int32 become 0x80000000, to which the zero point is added with
   * 32-bit wraparound before the clamp.
   */
  record FloatQuantizer(float scale, int zeroPoint, int min, int max, Division division) {
    void run(RuntimeTensor in, RuntimeTensor out) {
      float[] x = in.floats();
      double s = scale;
      int n = in.size();
      for (int i = 0; i < n; i++) {
        double q = division == Division.DOUBLE ? x[i] / s : (double) (x[i] / scale);
        int v = QuantMath.clamp(QuantMath.x86ToInt(roundHalfAwayFromZero(q)) + zeroPoint, min, max);
        store(out, i, v);
      }
    }
  }

  /** C's {@code round} on a double, keeping NaN and infinities (which the x86 conversion turns into 0x80000000). */
  static double roundHalfAwayFromZero(double x) {
    double t = x < 0 ? Math.ceil(x) : Math.floor(x);
    if (Math.abs(x - t) >= 0.5) {
      t += Math.signum(x);
    }
    return t;
  }

  /**
   * Integer to integer: {@code clamp(MBQM(q - zp_in, M, s) + zp_out)} with (M, s) from {@code s_in /
   * s_out} in double.
   */
  static void requantize(RuntimeTensor in, RuntimeTensor out, int zpIn, QuantizedOutput.Stage stage) {
    int n = in.size();
    for (int i = 0; i < n; i++) {
      store(out, i, stage.apply((int) in.getLong(i) - zpIn, 0));
    }
  }

  private static void store(RuntimeTensor out, int i, int v) {
    if (out.type() == DataType.INT16) {
      out.shorts()[i] = (short) v;
    } else {
      out.bytes()[i] = (byte) v;
    }
  }
}
