package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.quant.FixedPoint16;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * int16 LOGISTIC and TANH as TensorFlow Lite 2.6.2 runs them ({@code int8-arithmetic.md} 3.16):
 * symmetric int16 in and out, output scale 2^-15. An input scale that is a power of two making
 * the codes Q3.12 (for TANH also Q4.11) takes gemmlowp's fixed-point functions ({@link
 * FixedPoint16}); any other scale is rescaled to units of 1/(3 * 4096) and interpolated in a
 * 256-entry table of sigmoid(i / 24).
 */
final class Int16SigmoidTanh {
  private Int16SigmoidTanh() {}

  /** Which of 2.6.2's two int16 implementations runs (tests force the other to count differences). */
  enum Path {
    /** Chosen from the input scale, as 2.6.2 chooses. */
    AS_2_6_2,
    /** Always the table, with the multiplier 2.6.2 would compute for it. */
    TABLE
  }

  static Kernel create(OpContext ctx, boolean logistic) {
    return create(ctx, logistic, Path.AS_2_6_2);
  }

  static Kernel create(OpContext ctx, boolean logistic, Path path) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    String op = logistic ? "LOGISTIC" : "TANH";
    if (out.type() != DataType.INT16) {
      throw ctx.invalid("has an int16 input but a " + out.type().displayName() + " output");
    }
    ctx.setOutputShape(0, in.dims());
    Quantized.Params pi = Int16Output.symmetric(ctx, in, "input");
    Quantized.Params po = Int16Output.symmetric(ctx, out, "output");
    if (logistic ? (double) po.scale() != 1.0 / 32768 : !Integer.valueOf(-15).equals(roundedLog2(po.scale()))) {
      throw ctx.invalid("has output scale " + po.scale() + "; TensorFlow Lite 2.6.2 requires "
          + (logistic ? "exactly 1/32768" : "2^-15 (within 1e-3 in log2)") + " for int16 " + op);
    }
    Integer log2 = roundedLog2(pi.scale());
    int shift = log2 == null ? -1 : 12 + log2;
    boolean powerOfTwo = path == Path.AS_2_6_2 && (shift == 0 || (!logistic && shift == 1));
    if (powerOfTwo) {
      boolean doubleFirst = shift == 1;
      return map(in, out, x -> logistic ? FixedPoint16.logistic(x)
          : FixedPoint16.tanh(doubleFirst ? FixedPoint16.saturatingDouble(x) : x));
    }
    // The input rescaled to units of 1/(3 * 4096): a multiplier of at least 2^14 and a right shift.
    double m = (double) pi.scale() * 4096.0 * 3.0;
    int leftShift = 0;
    while (m <= 32767.0 / 2.0 && leftShift <= 30) {
      leftShift++;
      m *= 2.0;
    }
    int multiplier = (int) m;
    if (multiplier <= 0) {
      // 2.6.2 would then take the power-of-two path with a shift of 31 (undefined).
      throw ctx.unsupported("int16 " + op + " with input scale " + pi.scale() + " (too small to rescale)");
    }
    int shiftRight = leftShift;
    int round = shiftRight > 0 ? 1 << (shiftRight - 1) : 0;
    return map(in, out, x -> {
      int v = (x * multiplier + round) >> shiftRight;
      return logistic ? tableLogistic(v) : tableTanh(v);
    });
  }

  /**
   * TensorFlow Lite's {@code CheckedLog2}: log2 of a float scale, computed in float, and whether it
   * lies within 1e-3 of an integer; null if it does not.
   */
  static Integer roundedLog2(float scale) {
    float log2 = (float) Math.log(scale) * (1.0f / (float) Math.log(2.0));
    float rounded = QuantMath.roundHalfAwayFromZero(log2);
    return Math.abs(log2 - rounded) < 1e-3f ? Integer.valueOf((int) rounded) : null;
  }

  /** LOGISTIC on v (units of 1/(3 * 4096)): interpolation in steps of 512, unsigned 32-bit. */
  static int tableLogistic(int v) {
    long a = Math.abs((long) v) & 0xFFFFFFFFL;
    long uh = a >>> 9;
    long r;
    if (uh >= 255) {
      r = 0x7FFFL << 10;
    } else {
      long ua = SIGMOID[(int) uh];
      long ub = SIGMOID[(int) uh + 1];
      r = (ua << 9) + (a & 0x1FF) * (ub - ua);
    }
    r = v >= 0 ? r + (1 << 9) : (1L << 25) - r + (1 << 9) - 1;
    return (short) ((r & 0xFFFFFFFFL) >>> 10);
  }

  /** TANH on v (units of 1/(3 * 4096)), as 2 sigmoid(2v) - 1: interpolation in steps of 256. */
  static int tableTanh(int v) {
    long a = Math.abs((long) v) & 0xFFFFFFFFL;
    long uh = a >>> 8;
    int r;
    if (uh >= 255) {
      r = 0xFFFF << 8;
    } else {
      long ua = SIGMOID[(int) uh];
      long ub = SIGMOID[(int) uh + 1];
      r = (int) ((ua << 8) + (a & 0xFF) * (ub - ua));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (short) (r >> 8);
  }

  private static Kernel map(RuntimeTensor in, RuntimeTensor out, java.util.function.IntUnaryOperator f) {
    short[] lut = new short[65536];
    for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
      lut[x & 0xFFFF] = (short) f.applyAsInt(x);
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

  /**
   * sigmoid(i / 24) in unsigned Q0.16 for i = 0 .. 255, saturated at 65535: TensorFlow Lite's
   * {@code sigmoid_table_uint16}, copied as data (no simple rounding of the function reproduces
   * every entry).
   */
  private static final int[] SIGMOID = {
      32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
      43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
      51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
      57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
      61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
      63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
      64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
      64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
      65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
      65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
      65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
      65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
      65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
      65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
      65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
      65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};
}
