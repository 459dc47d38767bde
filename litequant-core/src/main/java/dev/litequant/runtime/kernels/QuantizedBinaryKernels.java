package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.quant.QuantMath;
import dev.litequant.quant.QuantMath.Multiplier;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.BinaryKernels.Layout;
import dev.litequant.runtime.kernels.Quantized.Codes;
import dev.litequant.runtime.kernels.Quantized.Params;
import dev.litequant.runtime.kernels.Quantized.Range;

/**
 * Reference kernels of the quantized binary elementwise operators, bit-exact with TensorFlow Lite
 * 2.6.2 on x86-64 ({@code int8-arithmetic.md}, sections 2 and 3.6 to 3.8): ADD and SUB (int8,
 * uint8, int16 on the general path and on the power-of-two path), MUL (int8, uint8, int16),
 * SQUARED_DIFFERENCE (int8), MAXIMUM / MINIMUM (codes compared as they are) and the comparisons
 * (inputs rescaled to a common scale first). Broadcasting only changes which elements meet.
 */
final class QuantizedBinaryKernels {
  private QuantizedBinaryKernels() {}

  /** One output code from two input codes. */
  @FunctionalInterface
  interface CodeOp {
    int apply(int a, int b);
  }

  /** The output codes of {@code op} over the broadcast layout. */
  private static Kernel loop(RuntimeTensor a, RuntimeTensor b, RuntimeTensor out, Layout l, CodeOp op) {
    return () -> {
      Codes x = Quantized.codes(a);
      Codes y = Quantized.codes(b);
      Codes z = Quantized.codes(out);
      int[] ma = l.mapA();
      int[] mb = l.mapB();
      for (int i = 0; i < l.size(); i++) {
        z.set(i, op.apply(x.get(ma == null ? i : ma[i]), y.get(mb == null ? i : mb[i])));
      }
    };
  }

  private static void requireSameTypes(OpContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor out) {
    if (a.type() != b.type() || out.type() != a.type()) {
      throw ctx.unsupported("mixed types " + a.type().displayName() + ", " + b.type().displayName() + " -> "
          + out.type().displayName());
    }
  }

  /** The fused activation code of ADD/SUB/MUL; a missing options table means NONE. */
  private static int activation(OpContext ctx, String optionsTable) {
    return ctx.operator().options() == null ? FusedActivation.NONE.code()
        : ctx.options(optionsTable).getInt("fused_activation_function");
  }

  /**
   * ADD and SUB. int8/uint8, and int16 with {@code pot_scale_int16} false, take the general path
   * (3.6): both inputs shifted left by L (20, or 15 for int16) and scaled to twice the larger
   * input scale, summed, then scaled to the output. int16 with {@code pot_scale_int16} true (the
   * schema default) takes the power-of-two path: ADD when all three scales are powers of two
   * (otherwise it falls back to the general path), SUB always (2.6.2 then refuses other scales).
   * A missing options table reads as {@code pot_scale_int16} false.
   */
  static Kernel addSub(OpContext ctx, boolean sub, Layout l) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    requireSameTypes(ctx, a, b, out);
    DataType type = out.type();
    String table = sub ? "SubOptions" : "AddOptions";
    Params pa = Quantized.params(ctx, a, "input 0");
    Params pb = Quantized.params(ctx, b, "input 1");
    Params po = Quantized.params(ctx, out, "output");
    Range range = Quantized.activationRange(ctx, activation(ctx, table), po, type);
    boolean pot = false;
    if (type == DataType.INT16) {
      // Both paths of both operators require symmetric int16.
      Quantized.requireZeroPoint0(ctx, pa, a, "input 0");
      Quantized.requireZeroPoint0(ctx, pb, b, "input 1");
      Quantized.requireZeroPoint0(ctx, po, out, "output");
      boolean potOption = ctx.operator().options() != null && ctx.options(table).getBool("pot_scale_int16");
      pot = potOption && log2IfPowerOfTwo(pa.scale()) != null && log2IfPowerOfTwo(pb.scale()) != null
          && log2IfPowerOfTwo(po.scale()) != null;
    }
    if (pot) {
      return powerOfTwoAddSub(ctx, sub, a, b, out, pa, pb, po, range, l);
    }
    int leftShift = type == DataType.INT16 ? 15 : 20;
    // twice_max_input_scale = 2 * max(float, float): the product is a float, then widened.
    double twiceMax = 2f * Math.max(pa.scale(), pb.scale());
    Multiplier m1 = Quantized.smallerThanOne(ctx, pa.scale() / twiceMax, "input 0");
    Multiplier m2 = Quantized.smallerThanOne(ctx, pb.scale() / twiceMax, "input 1");
    Multiplier mo = Quantized.smallerThanOne(ctx, twiceMax / ((float) (1 << leftShift) * po.scale()), "output");
    int za = pa.zeroPoint();
    int zb = pb.zeroPoint();
    int zo = po.zeroPoint();
    return loop(a, b, out, l, (x, y) -> {
      int sa = QuantMath.mbqmSmallerThanOneExp((x - za) << leftShift, m1.multiplier(), m1.shift());
      int sb = QuantMath.mbqmSmallerThanOneExp((y - zb) << leftShift, m2.multiplier(), m2.shift());
      int raw = sub ? sa - sb : sa + sb;
      return range.clamp(QuantMath.mbqmSmallerThanOneExp(raw, mo.multiplier(), mo.shift()) + zo);
    });
  }

  /**
   * The int16 power-of-two path (gemmlowp's {@code FixedPoint<int16, 0>}): the input whose scale is
   * the output's is kept, the other is divided by {@code 2^k} with rounding half away from zero,
   * and the two are added or subtracted with int16 saturation. 2.6.2 requires one input on the
   * output's scale and the other on a finer one.
   */
  private static Kernel powerOfTwoAddSub(OpContext ctx, boolean sub, RuntimeTensor a, RuntimeTensor b,
      RuntimeTensor out, Params pa, Params pb, Params po, Range range, Layout l) {
    Integer la = log2IfPowerOfTwo(pa.scale());
    Integer lb = log2IfPowerOfTwo(pb.scale());
    Integer lo = log2IfPowerOfTwo(po.scale());
    if (la == null || lb == null || lo == null) {
      throw ctx.invalid("has int16 scales " + pa.scale() + ", " + pb.scale() + " -> " + po.scale()
          + " that are not all powers of two, which pot_scale_int16 requires");
    }
    int shiftA = la - lo;
    int shiftB = lb - lo;
    if ((shiftA != 0 && shiftB != 0) || shiftA > 0 || shiftB > 0) {
      throw ctx.invalid("has int16 power-of-two scales 2^" + la + ", 2^" + lb + " -> 2^" + lo
          + "; one input must have the output's scale and the other a finer one");
    }
    if (l.mapA() != null || l.mapB() != null) {
      // 2.6.2 runs this path only elementwise; its broadcast fallback ignores the scales.
      throw ctx.unsupported("broadcasting on the int16 power-of-two path (pot_scale_int16)");
    }
    boolean keepA = shiftA == 0;
    int right = keepA ? -shiftB : -shiftA;
    return loop(a, b, out, l, (x, y) -> {
      int kept = keepA ? x : y;
      int shifted = QuantMath.rdbpot(keepA ? y : x, right);
      // Sub16 computes kept - shifted when input 0 is kept, otherwise shifted - kept: always a - b.
      int r = sub ? (keepA ? kept - shifted : shifted - kept) : kept + shifted;
      return range.clamp(QuantMath.clamp(r, -32768, 32767));
    });
  }

  /**
   * TensorFlow Lite's {@code CheckedLog2}: {@code log(x) * (1 / log(2))} in float, rounded half away
   * from zero; a power of two when the rounding moved it by less than 1e-3. Null otherwise.
   */
  static Integer log2IfPowerOfTwo(float x) {
    float log2 = (float) Math.log(x) * (1f / (float) Math.log(2f));
    float rounded = QuantMath.roundHalfAwayFromZero(log2);
    return Math.abs(log2 - rounded) < 1e-3f ? Integer.valueOf((int) rounded) : null;
  }

  /**
   * MUL (3.7): {@code MBQM((a - za) * (b - zb), M, s) + zo}, with the real multiplier
   * {@code s_a * s_b / s_out} computed in float. int16 requires zero points 0.
   */
  static Kernel mul(OpContext ctx, Layout l) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    requireSameTypes(ctx, a, b, out);
    Params pa = Quantized.params(ctx, a, "input 0");
    Params pb = Quantized.params(ctx, b, "input 1");
    Params po = Quantized.params(ctx, out, "output");
    if (out.type() == DataType.INT16) {
      Quantized.requireZeroPoint0(ctx, pa, a, "input 0");
      Quantized.requireZeroPoint0(ctx, pb, b, "input 1");
      Quantized.requireZeroPoint0(ctx, po, out, "output");
    }
    Range range = Quantized.activationRange(ctx, activation(ctx, "MulOptions"), po, out.type());
    Multiplier m = QuantMath.quantizeMultiplier(pa.scale() * pb.scale() / po.scale());
    int za = pa.zeroPoint();
    int zb = pb.zeroPoint();
    int zo = po.zeroPoint();
    return loop(a, b, out, l, (x, y) ->
        range.clamp(QuantMath.mbqm((x - za) * (y - zb), m.multiplier(), m.shift()) + zo));
  }

  /**
   * SQUARED_DIFFERENCE int8 (3.8): ADD's input scaling with L = 7, the difference squared in
   * int32, then scaled by {@code (2 max)^2 / (2^14 s_out)} to the output.
   */
  static Kernel squaredDifference(OpContext ctx, Layout l) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    requireSameTypes(ctx, a, b, out);
    if (out.type() != DataType.INT8) {
      throw ctx.unsupported(out.type().displayName() + " SQUARED_DIFFERENCE (2.6.2 quantizes only int8)");
    }
    Params pa = Quantized.params(ctx, a, "input 0");
    Params pb = Quantized.params(ctx, b, "input 1");
    Params po = Quantized.params(ctx, out, "output");
    int leftShift = 7;
    double twiceMax = 2.0 * (double) Math.max(pa.scale(), pb.scale());
    Multiplier m1 = Quantized.smallerThanOne(ctx, pa.scale() / twiceMax, "input 0");
    Multiplier m2 = Quantized.smallerThanOne(ctx, pb.scale() / twiceMax, "input 1");
    Multiplier mo = Quantized.smallerThanOne(ctx,
        twiceMax * twiceMax / (double) ((float) (1 << (2 * leftShift)) * po.scale()), "output");
    int za = pa.zeroPoint();
    int zb = pb.zeroPoint();
    int zo = po.zeroPoint();
    return loop(a, b, out, l, (x, y) -> {
      int sa = QuantMath.mbqmSmallerThanOneExp((x - za) << leftShift, m1.multiplier(), m1.shift());
      int sb = QuantMath.mbqmSmallerThanOneExp((y - zb) << leftShift, m2.multiplier(), m2.shift());
      int d = sa - sb;
      return QuantMath.clamp(QuantMath.mbqmSmallerThanOneExp(d * d, mo.multiplier(), mo.shift()) + zo, -128, 127);
    });
  }

  /**
   * MAXIMUM / MINIMUM: 2.6.2 compares the raw codes and copies the winner, whatever the scales and
   * zero points of the three tensors are (the converter gives them all the same).
   */
  static Kernel maxMin(OpContext ctx, boolean max, Layout l) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    requireSameTypes(ctx, a, b, out);
    return loop(a, b, out, l, max ? (x, y) -> x > y ? x : y : (x, y) -> x < y ? x : y);
  }

  /**
   * Comparisons of int8/uint8 inputs ({@code ComparisonWithScaling}): each input is offset by its
   * zero point, shifted left by 8 and multiplied by its own scale (as a Q31 multiplier smaller than
   * one), so inputs of different scales compare by real value; codes that differ can compare equal
   * once scaled.
   */
  static Kernel compare(OpContext ctx, BinaryKernels.Compare op, Layout l) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    Params pa = Quantized.params(ctx, a, "input 0");
    Params pb = Quantized.params(ctx, b, "input 1");
    Multiplier m1 = Quantized.smallerThanOne(ctx, pa.scale(), "input 0 scale as");
    Multiplier m2 = Quantized.smallerThanOne(ctx, pb.scale(), "input 1 scale as");
    int za = pa.zeroPoint();
    int zb = pb.zeroPoint();
    return () -> {
      Codes x = Quantized.codes(a);
      Codes y = Quantized.codes(b);
      byte[] z = out.bytes();
      for (int i = 0; i < l.size(); i++) {
        int va = QuantMath.mbqmSmallerThanOneExp((x.get(l.mapA() == null ? i : l.mapA()[i]) - za) << 8,
            m1.multiplier(), m1.shift());
        int vb = QuantMath.mbqmSmallerThanOneExp((y.get(l.mapB() == null ? i : l.mapB()[i]) - zb) << 8,
            m2.multiplier(), m2.shift());
        z[i] = (byte) (op.test(va, vb) ? 1 : 0);
      }
    };
  }
}
