package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.function.DoubleUnaryOperator;

/**
 * int16 SOFTMAX as TensorFlow Lite 2.6.2 runs it ({@code int8-arithmetic.md} 3.14): symmetric
 * int16 in and out, output scale 1/32768 (within 0.1%), inputs of rank 1 to 4. Each difference to
 * the row maximum is rescaled so that [-65535, 0] spans [-10, 0], exp is read from a 513-entry
 * interpolated table, the int32 sum is normalised by its leading zeros, and its reciprocal comes
 * from a second table of 1 / (1 + x).
 */
final class Int16Softmax {
  private Int16Softmax() {}

  /** The number of table entries: 512 intervals and the end point (for the last slope). */
  static final int TABLE_SIZE = 513;

  /** Which rounding the table lookup uses (tests use the alternative to count differences). */
  enum Lookup {
    /** 2.6.2: the interpolated slope rounded half up, {@code (slope * offset + 64) >> 7}. */
    ROUNDED,
    /** The slope term truncated (an alternative). */
    TRUNCATED
  }

  static Kernel create(OpContext ctx, SoftmaxKernels.Rows r, float beta) {
    return create(ctx, r, beta, Lookup.ROUNDED);
  }

  static Kernel create(OpContext ctx, SoftmaxKernels.Rows r, float beta, Lookup lookup) {
    RuntimeTensor in = r.input();
    RuntimeTensor out = r.output();
    if (out.type() != DataType.INT16) {
      throw ctx.invalid("has an int16 input but a " + out.type().displayName() + " output");
    }
    if (in.rank() > 4) {
      throw ctx.unsupported("int16 SOFTMAX of rank " + in.rank() + " (TensorFlow Lite 2.6.2 takes ranks 1 to 4)");
    }
    Quantized.Params pi = Int16Output.symmetric(ctx, in, "input");
    Quantized.Params po = Int16Output.symmetric(ctx, out, "output");
    float delta = Math.abs(po.scale() - 1.0f / 32768);
    if (delta > 0.001f * 1.0f / 32768) {
      throw ctx.invalid("has output scale " + po.scale() + "; TensorFlow Lite 2.6.2 requires 1/32768 (within 0.1%)"
          + " for int16 SOFTMAX");
    }
    QuantMath.Multiplier m = QuantMath.quantizeMultiplier((double) (pi.scale() * beta) / (10.0 / 65535.0));
    short[] exp = table(Math::exp, -10.0, 0.0);
    short[] reciprocal = table(x -> 1.0 / (1.0 + x), 0.0, 1.0);
    int depth = r.depth();
    int rows = r.rows();
    return () -> {
      short[] x = in.shorts();
      short[] y = out.shorts();
      int[] e = new int[depth];
      for (int row = 0; row < rows; row++) {
        int base = row * depth;
        int max = Short.MIN_VALUE;
        for (int c = 0; c < depth; c++) {
          max = Math.max(max, x[base + c]);
        }
        int sum = 0;
        for (int c = 0; c < depth; c++) {
          int scaled = QuantMath.mbqm(x[base + c] - max, m.multiplier(), m.shift());
          e[c] = lookup(QuantMath.clamp(scaled + 32767, -32768, 32767), exp, lookup);
          sum += e[c];
        }
        int headroomPlusOne = Integer.numberOfLeadingZeros(sum);
        int shiftedSum = (int) ((((long) sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
        // 1 / (1 + t) for t = sum - 1 in [0, 1), re-centred from [0, 65535] to the int16 range.
        int recip = lookup(QuantMath.clamp(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767), reciprocal, lookup);
        int rightShift = 31 - headroomPlusOne;
        long round = 1L << (rightShift - 1);
        for (int c = 0; c < depth; c++) {
          int v = (int) (((long) e[c] * recip + round) >> rightShift);
          y[base + c] = (short) QuantMath.clamp(v, 0, 32767);
        }
      }
    };
  }

  /**
   * TensorFlow Lite's {@code gen_lut}: f sampled at 512 even steps of [min, max] in Q0.15, each
   * sample lowered by half the error that linear interpolation makes at the midpoint of its
   * interval; the last entry is f(max). All in double, rounding half away from zero.
   */
  static short[] table(DoubleUnaryOperator f, double min, double max) {
    short[] t = new short[TABLE_SIZE];
    double step = (max - min) / (TABLE_SIZE - 1);
    double halfStep = step / 2.0;
    for (int i = 0; i < TABLE_SIZE - 1; i++) {
      double sample = round(f.applyAsDouble(min + i * step) * 32768.0);
      double midpointInterpolated = round((f.applyAsDouble(min + (i + 1) * step) * 32768.0 + sample) / 2.0);
      double midpoint = round(f.applyAsDouble(min + i * step + halfStep) * 32768.0);
      double bias = round((midpointInterpolated - midpoint) / 2.0);
      t[i] = (short) Math.min(Math.max(sample - bias, -32768.0), 32767.0);
    }
    t[TABLE_SIZE - 1] = (short) Math.min(Math.max(round(f.applyAsDouble(max) * 32768.0), -32768.0), 32767.0);
    return t;
  }

  private static double round(double v) {
    return (double) QuantMath.roundHalfAwayFromZero(v);
  }

  /** {@code generic_int16_table_lookup}: entry 256 + v / 128 plus the interpolated slope. */
  static int lookup(int v, short[] table, Lookup lookup) {
    int index = 256 + (v >> 7);
    int offset = v & 0x7F;
    int base = table[index];
    int slope = (short) (table[index + 1] - base);
    int delta = lookup == Lookup.ROUNDED ? (slope * offset + 64) >> 7 : (slope * offset) >> 7;
    return (short) (base + delta);
  }
}
