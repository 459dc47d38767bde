package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * LOG_SOFTMAX of int8 codes as TensorFlow Lite 2.6.2 computes it: its reference integer kernel
 * ({@code reference_integer_ops::LogSoftmax}) in gemmlowp fixed point. Input differences from the
 * row maximum are scaled to Q5.26, exponentiated ({@code exp_on_negative_values}), summed in
 * Q12.19, the sum's logarithm taken in Q5.26 ({@code log_x_for_x_greater_than_or_equal_to_1}), and
 * the difference rounded to the output, whose scale must be 16/256 and zero point 127.
 *
 * <p>Notation of the helpers: a fixed-point value is its raw int32; {@code mul} is gemmlowp's
 * product (SRDHM), {@code +}/{@code -} on raws wrap, {@code rescale} by a positive exponent is a
 * saturating left shift and by a negative one a rounding right shift.
 */
final class QuantizedLogSoftmax {
  private QuantizedLogSoftmax() {}

  private static final int INPUT_INTEGER_BITS = 5;
  private static final int ACCUMULATION_INTEGER_BITS = 12;
  private static final int OUTPUT_INTEGER_BITS = 4;

  static Kernel create(OpContext ctx, SoftmaxKernels.Rows r) {
    RuntimeTensor in = r.input();
    RuntimeTensor out = r.output();
    if (out.type() != DataType.INT8) {
      throw ctx.invalid("has an int8 input but a " + out.type().displayName() + " output");
    }
    float inputScale = Quantized.params(ctx, in, "input").scale();
    Quantized.Params po = Quantized.params(ctx, out, "output");
    if (po.scale() != 16.0 / 256 || po.zeroPoint() != 127) {
      throw ctx.invalid("has output scale " + po.scale() + " and zero point " + po.zeroPoint()
          + "; TensorFlow Lite requires 16/256 and 127 for int8 LOG_SOFTMAX");
    }
    // PreprocessSoftmaxScaling with beta 1: min(beta * s_in * 2^(31 - 5), 2^31 - 1), a multiplier
    // greater than one (2.6.2 aborts otherwise).
    double real = Math.min(1.0 * (double) inputScale * (1 << (31 - INPUT_INTEGER_BITS)), (1L << 31) - 1.0);
    if (!(real > 1)) {
      throw ctx.invalid("has input scale " + inputScale + ", too small for LOG_SOFTMAX's Q5.26 input"
          + " (TensorFlow Lite aborts on it)");
    }
    QuantMath.Multiplier input = QuantMath.quantizeMultiplier(real);
    int inputShift = input.shift();
    double reverseReal = (1L << (31 - inputShift)) / (double) input.multiplier();
    QuantMath.Multiplier reverse = Quantized.smallerThanOne(ctx, reverseReal, "reverse scaling");
    int reverseShift = -reverse.shift();
    // CalculateInputRadius(5, shift): floor((2^5 - 1) * 2^26 / 2^shift).
    int diffMin = -(int) Math.floor(1.0 * ((1 << INPUT_INTEGER_BITS) - 1)
        * (1L << (31 - INPUT_INTEGER_BITS)) / (1L << inputShift));
    int depth = r.depth();
    return () -> {
      byte[] x = in.bytes();
      byte[] y = out.bytes();
      for (int row = 0; row < r.rows(); row++) {
        int base = row * depth;
        int max = -128;
        for (int c = 0; c < depth; c++) {
          max = Math.max(max, x[base + c]);
        }
        int sum = 0;
        for (int c = 0; c < depth; c++) {
          int diff = x[base + c] - max;
          if (diff >= diffMin) {
            int q5 = QuantMath.mbqm(diff, input.multiplier(), inputShift);
            sum += rescale(expOnNegativeValues(q5, INPUT_INTEGER_BITS), -ACCUMULATION_INTEGER_BITS);
          }
        }
        int logSum = logXGreaterEqualOne(sum, INPUT_INTEGER_BITS + 1, ACCUMULATION_INTEGER_BITS);
        // Rescale<5> of the Q6 accumulator.
        logSum = rescale(logSum, 1);
        int shiftedLogSum = logSum + Integer.MIN_VALUE;
        int adjustedDiffMin = Math.max(diffMin - 1,
            QuantMath.mbqm(shiftedLogSum, reverse.multiplier(), -reverseShift));
        for (int c = 0; c < depth; c++) {
          int diff = x[base + c] - max;
          if (diff > adjustedDiffMin) {
            int q5 = QuantMath.mbqm(diff, input.multiplier(), inputShift);
            int o = QuantMath.rdbpot(q5 - logSum, 31 - INPUT_INTEGER_BITS - OUTPUT_INTEGER_BITS) + 127;
            y[base + c] = (byte) QuantMath.clamp(o, -128, 127);
          } else {
            y[base + c] = (byte) -128;
          }
        }
      }
    };
  }

  /** gemmlowp's {@code SaturatingRoundingMultiplyByPOT}: saturating left shift, or rounding right shift. */
  static int rescale(int x, int exponent) {
    if (exponent == 0) {
      return x;
    }
    if (exponent < 0) {
      return QuantMath.rdbpot(x, -exponent);
    }
    int threshold = (1 << (31 - exponent)) - 1;
    if (x > threshold) {
      return Integer.MAX_VALUE;
    }
    if (x < -threshold) {
      return Integer.MIN_VALUE;
    }
    return x << exponent;
  }

  private static int mul(int a, int b) {
    return QuantMath.srdhm(a, b);
  }

  private static int saturatingAdd(int a, int b) {
    long s = (long) a + b;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
  }

  private static int saturatingSub(int a, int b) {
    long s = (long) a - b;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, s));
  }

  private static int roundingHalfSum(int a, int b) {
    long sum = (long) a + b;
    long sign = sum >= 0 ? 1 : -1;
    return (int) ((sum + sign) / 2);
  }

  /** exp(a) for a in [-1/4, 0) in Q0.31: Taylor expansion around -1/8. */
  static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
    int constantTerm = 1895147668;
    int constant1Over3 = 715827883;
    int x = a + (1 << 28);
    int x2 = mul(x, x);
    int x3 = mul(x2, x);
    int x4 = mul(x2, x2);
    int x4Over4 = rescale(x4, -2);
    int poly = rescale(mul(x4Over4 + x3, constant1Over3) + x2, -1);
    return constantTerm + mul(constantTerm, x + poly);
  }

  /** gemmlowp's {@code exp_on_negative_values} of a Q(integerBits) value, in Q0.31. */
  static int expOnNegativeValues(int a, int integerBits) {
    int fractionalBits = 31 - integerBits;
    int oneQuarter = 1 << (fractionalBits - 2);
    int mask = oneQuarter - 1;
    int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
    int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits));
    int remainder = aModQuarterMinusOneQuarter - a;
    int[] multipliers = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    for (int k = 0; k < multipliers.length; k++) {
      int exponent = k - 2;
      if (integerBits > exponent) {
        int shift = fractionalBits + exponent;
        if ((remainder & (1 << shift)) != 0) {
          result = mul(result, multipliers[k]);
        }
      }
    }
    if (integerBits > 5) {
      int clamp = -(1 << (36 - integerBits));
      if (a < clamp) {
        result = 0;
      }
    }
    if (a == 0) {
      result = Integer.MAX_VALUE;
    }
    return result;
  }

  /** gemmlowp's {@code one_over_one_plus_x_for_x_in_0_1}: Newton-Raphson in Q2.29, result Q0.31. */
  static int oneOverOnePlusXForXIn01(int a) {
    int halfDenominator = roundingHalfSum(a, Integer.MAX_VALUE);
    int constant48Over17 = 1515870810;
    int constantNeg32Over17 = -1010580540;
    int x = constant48Over17 + mul(halfDenominator, constantNeg32Over17);
    for (int i = 0; i < 3; i++) {
      int halfDenominatorTimesX = mul(halfDenominator, x);
      int oneMinus = (1 << 29) - halfDenominatorTimesX;
      x = x + rescale(mul(x, oneMinus), 2);
    }
    // ExactMulByPot<-1> keeps the raw value as Q1.30; Rescale<0> then shifts it left by one.
    return rescale(x, 1);
  }

  /**
   * TensorFlow Lite's {@code log_x_for_x_greater_than_or_equal_to_1_impl}: log of a Q(inputBits)
   * value, returned in the accumulator format Q(accumBits) (the caller rescales it).
   */
  static int logXGreaterEqualOne(int inputVal, int accumBits, int inputBits) {
    int log2 = 1488522236;
    int sqrtSqrtHalf = 1805811301;
    int sqrtHalf = 1518500250;
    int oneQuarter = 536870912;
    int alphaN = 117049297;
    int alphaD = 127690142;
    int alphaI = 1057819769;
    int alphaF = 638450708;
    int shiftedQuarter = rescale(oneQuarter, -accumBits);
    int za = inputVal;
    int zaHeadroomPlus1 = Integer.numberOfLeadingZeros(za);
    int raTmp = rescale(za, zaHeadroomPlus1 - 1);
    int raRaw = rescale(mul(raTmp, sqrtHalf), 1);
    int zaPow2Adj = saturatingAdd(rescale(inputBits - zaHeadroomPlus1, 31 - accumBits), shiftedQuarter);
    int zb = mul(za, sqrtHalf);
    int zbHeadroom = Integer.numberOfLeadingZeros(zb) - 1;
    int rbRaw = rescale(za, zbHeadroom);
    int zbPow2Adj = saturatingSub(rescale(inputBits - zbHeadroom, 31 - accumBits), shiftedQuarter);
    int r = Math.min(raRaw, rbRaw);
    int zPow2Adj = Math.max(zaPow2Adj, zbPow2Adj);
    int p = roundingHalfSum(r, sqrtSqrtHalf);
    int q = r - sqrtSqrtHalf;
    q = q + q;
    int commonSq = mul(q, q);
    int num = mul(q, r) + mul(mul(q, commonSq), alphaN);
    int denomMinusOne = mul(p, alphaI + q + mul(alphaD, commonSq)) + mul(alphaF, q);
    int recipDenom = oneOverOnePlusXForXIn01(denomMinusOne);
    int numScaled = rescale(num, -accumBits);
    return mul(zPow2Adj, log2) + mul(numScaled, recipDenom);
  }
}
