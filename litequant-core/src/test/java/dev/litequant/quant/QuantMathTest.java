package dev.litequant.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The primitives on the worked examples of int8-arithmetic.md and on edge cases derived by hand. */
class QuantMathTest {
  @Test
  void quantizeMultiplierSplitsMantissaAndExponent() {
    assertEquals(new QuantMath.Multiplier(1 << 30, -1), QuantMath.quantizeMultiplier(0.25));
    assertEquals(new QuantMath.Multiplier(1 << 30, 0), QuantMath.quantizeMultiplier(0.5));
    assertEquals(new QuantMath.Multiplier(1 << 30, 1), QuantMath.quantizeMultiplier(1.0));
    // 0.75 = 0.75 * 2^0: Q31 mantissa 0.75 * 2^31.
    assertEquals(new QuantMath.Multiplier(1610612736, 0), QuantMath.quantizeMultiplier(0.75));
    // A mantissa that rounds up to 1.0 moves to the next exponent: (1 - 2^-40) * 2^-3.
    assertEquals(new QuantMath.Multiplier(1 << 30, -2), QuantMath.quantizeMultiplier((1 - 0x1p-40) * 0.125));
    assertEquals(QuantMath.Multiplier.ZERO, QuantMath.quantizeMultiplier(0x1p-40));
    assertEquals(QuantMath.Multiplier.ZERO, QuantMath.quantizeMultiplier(0));
  }

  @Test
  void srdhmRoundsHalfUpAndSaturates() {
    assertEquals(Integer.MAX_VALUE, QuantMath.srdhm(Integer.MIN_VALUE, Integer.MIN_VALUE));
    // (1 * 2^30 + 2^30) / 2^31 = 1 exactly; (-1 * 2^30 + 2^30) / 2^31 = 0.
    assertEquals(1, QuantMath.srdhm(1, 1 << 30));
    assertEquals(0, QuantMath.srdhm(-1, 1 << 30));
    assertEquals(32767, QuantMath.srdhm16(-32768, -32768));
  }

  @Test
  void rdbpotRoundsHalfAwayFromZero() {
    assertEquals(2, QuantMath.rdbpot(3, 1));
    assertEquals(-2, QuantMath.rdbpot(-3, 1));
    assertEquals(1, QuantMath.rdbpot(5, 2));
    assertEquals(-1, QuantMath.rdbpot(-5, 2));
    assertEquals(2, QuantMath.rdbpot(6, 2));
    assertEquals(-2, QuantMath.rdbpot(-6, 2));
  }

  /** The document's example: real multiplier 0.25 (M = 2^30, s = -1). */
  @Test
  void ruyMulAndMbqmDifferAsDocumented() {
    assertEquals(0, QuantMath.ruyMul(1, 1 << 30, -1));
    assertEquals(1, QuantMath.mbqm(1, 1 << 30, -1));
    assertEquals(0, QuantMath.ruyMul(-2, 1 << 30, -1));
    assertEquals(-1, QuantMath.mbqm(-2, 1 << 30, -1));
    assertEquals(1, QuantMath.ruyMul(5, 1 << 30, -1));
    assertEquals(2, QuantMath.mbqm(5, 1 << 30, -1));
    // floor((q + 2) / 4) for every code, as the document measured for RUY_MUL.
    for (int q = -128; q < 128; q++) {
      assertEquals(Math.floorDiv(q + 2, 4), QuantMath.ruyMul(q, 1 << 30, -1), "q = " + q);
    }
  }

  @Test
  void roundingHelpersMatchC() {
    assertEquals(-3, QuantMath.roundHalfAwayFromZero(-2.5));
    assertEquals(3, QuantMath.roundHalfAwayFromZero(2.5));
    assertEquals(-3f, QuantMath.roundHalfAwayFromZero(-2.5f));
    assertEquals(Integer.MIN_VALUE, QuantMath.x86ToInt(Double.NaN));
    assertEquals(Integer.MIN_VALUE, QuantMath.x86ToInt(3e9));
    assertEquals(-7, QuantMath.x86ToInt(-7.9));
  }

  @Test
  void mbqm64CutsTheMultiplierTo16Bits() {
    // M = 2^30 (0.5 in Q31) -> m16 = 2^14; s = 0 -> T = 15: x * 2^14 / 2^15 = x / 2, rounded half up.
    assertEquals(3, QuantMath.mbqm64(5, 1 << 30, 0));
    assertEquals(-2, QuantMath.mbqm64(-5, 1 << 30, 0));
    assertEquals(32767, QuantMath.downScaleToInt16(Integer.MAX_VALUE));
  }
}
