package dev.litequant.quant;

/**
 * gemmlowp's 16-bit fixed-point {@code logistic} and {@code tanh} (its {@code FixedPoint<int16_t,
 * IntegerBits>} templates), which TensorFlow Lite 2.6.2 runs for int16 LOGISTIC and TANH when the
 * input scale is a power of two ({@code int8-arithmetic.md} 3.16). Values are raw int16 codes held
 * in ints; every step narrows to int16 exactly where the C++ converts its int result back to
 * {@code int16_t}, because the intermediate sums wrap there rather than saturate. Inputs are Q3.12
 * (3 integer bits), outputs Q0.15.
 */
public final class FixedPoint16 {
  private FixedPoint16() {}

  /** The Q0.15 representation of 1: the largest code, as gemmlowp's {@code One()} for 0 integer bits. */
  private static final int ONE_Q015 = Short.MAX_VALUE;

  /** logistic(x) for x in Q3.12, in Q0.15. */
  public static int logistic(int a) {
    boolean positive = a > 0;
    int absInput = positive ? a : neg(a);
    int resultIfPositive = oneOverOnePlusX(expOnNegativeValues(neg(absInput), 3));
    if (a == 0) {
      return constant(1 << 30);
    }
    return positive ? resultIfPositive : sub(ONE_Q015, resultIfPositive);
  }

  /** tanh(x) for x in Q3.12, in Q0.15. */
  public static int tanh(int a) {
    boolean negative = a < 0;
    int n = negative ? a : neg(a);
    // exp(2n): the same raw value read with one more integer bit.
    int t = oneMinusXOverOnePlusX(expOnNegativeValues(n, 4));
    if (a == 0) {
      return 0;
    }
    return negative ? neg(t) : t;
  }

  /** exp(a) for a <= 0 with {@code integerBits} integer bits, in Q0.15. */
  static int expOnNegativeValues(int a, int integerBits) {
    int fractionalBits = 15 - integerBits;
    int oneQuarter = 1 << (fractionalBits - 2);
    int mask = oneQuarter - 1;
    int aModQuarterMinusOneQuarter = sub(a & mask, oneQuarter);
    int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
    int remainder = sub(aModQuarterMinusOneQuarter, a);
    // exp(-2^e) for e = -2 .. 4, as gemmlowp's 32-bit constants.
    int[] multipliers = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    for (int i = 0; i < multipliers.length; i++) {
      int exponent = i - 2;
      if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) != 0) {
        result = mul(result, constant(multipliers[i]));
      }
    }
    return a == 0 ? ONE_Q015 : result;
  }

  /** exp(a) for a in [-1/4, 0), Q0.15: a Taylor expansion around -1/8. */
  static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
    int constantTerm = constant(1895147668);
    int oneThird = constant(715827883);
    int x = add(a, 1 << 12);
    int x2 = mul(x, x);
    int x3 = mul(x2, x);
    int x4 = mul(x2, x2);
    int x4Over4 = rdbpot(x4, 2);
    int rest = rdbpot(add(mul(add(x4Over4, x3), oneThird), x2), 1);
    return saturatingAdd(constantTerm, mul(constantTerm, add(x, rest)));
  }

  /** 1 / (1 + a) for a in (0, 1), Q0.15: Newton-Raphson in Q2.13. */
  static int oneOverOnePlusX(int a) {
    return rescale(newtonReciprocalOfHalfDenominator(a), 1, 0);
  }

  /** (1 - a) / (1 + a) for a in (0, 1), Q0.15. */
  static int oneMinusXOverOnePlusX(int a) {
    return rescale(sub(newtonReciprocalOfHalfDenominator(a), 1 << 13), 2, 0);
  }

  /** 1 / ((1 + a) / 2) in Q2.13, by three Newton-Raphson steps from 48/17 - 32/17 d. */
  private static int newtonReciprocalOfHalfDenominator(int a) {
    int halfDenominator = roundingHalfSum(a, ONE_Q015);
    int x = add(constant(1515870810), mul(halfDenominator, constant(-1010580540)));
    for (int i = 0; i < 3; i++) {
      int oneMinusHalfDenominatorTimesX = sub(1 << 13, mul(halfDenominator, x));
      x = add(x, rescale(mul(x, oneMinusHalfDenominatorTimesX), 4, 2));
    }
    return x;
  }

  // ---- int16 primitives ----

  private static int add(int a, int b) {
    return (short) (a + b);
  }

  private static int sub(int a, int b) {
    return (short) (a - b);
  }

  private static int neg(int a) {
    return (short) -a;
  }

  /** SaturatingRoundingDoublingHighMul on int16. */
  private static int mul(int a, int b) {
    return QuantMath.srdhm16(a, b);
  }

  private static int rdbpot(int x, int exponent) {
    return (short) QuantMath.rdbpot(x, exponent);
  }

  private static int saturatingAdd(int a, int b) {
    return QuantMath.clamp(a + b, Short.MIN_VALUE, Short.MAX_VALUE);
  }

  /** {@code (a + b) / 2} rounded half away from zero. */
  private static int roundingHalfSum(int a, int b) {
    int sum = a + b;
    return (short) ((sum + (sum >= 0 ? 1 : -1)) / 2);
  }

  /** A value with {@code from} integer bits re-expressed with {@code to}: saturating or rounding. */
  private static int rescale(int x, int from, int to) {
    int exponent = from - to;
    if (exponent > 0) {
      int threshold = (1 << (15 - exponent)) - 1;
      if (x > threshold) {
        return Short.MAX_VALUE;
      }
      if (x < -threshold) {
        return Short.MIN_VALUE;
      }
      return (short) (x << exponent);
    }
    return exponent < 0 ? rdbpot(x, -exponent) : x;
  }

  /** gemmlowp's 32-bit constants, rounded to 16 bits. */
  private static int constant(int raw32) {
    return (short) QuantMath.rdbpot(raw32, 16);
  }

  /** gemmlowp's saturating left shift by one, the TANH input step for an input scale of 2^-11. */
  public static int saturatingDouble(int x) {
    return rescale(x, 1, 0);
  }
}
