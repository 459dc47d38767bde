package dev.litequant.runtime.kernels;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.TensorValue;
import java.util.Random;

/**
 * Building blocks of 16x8 test models (int16 activations with zero point 0, int8 weights, int64
 * bias) and the test-side search for scales and accumulators on which candidate formulas of the
 * 16x8 output stage disagree. The search only chooses inputs; expected outputs always come from
 * TensorFlow Lite 2.6.2.
 */
final class Int16Models {
  private Int16Models() {}

  static Tensor input(ModelBuilder b, String name, float scale, int... shape) {
    Tensor t = b.input(name, DataType.INT16, shape);
    t.setQuantization(Quantization.perTensor(scale, 0));
    return t;
  }

  static Tensor output(ModelBuilder b, String name, float scale, int... shape) {
    Tensor t = b.tensor(name, DataType.INT16, shape);
    t.setQuantization(Quantization.perTensor(scale, 0));
    return t;
  }

  /** An int64 bias with the conventional scales {@code s_in * s_w[c]}. */
  static Tensor int64Bias(ModelBuilder b, String name, long[] values, float inScale, float[] wScales) {
    Tensor t = b.constant(name, DataType.INT64, Buffer.ofLongs(values), values.length);
    t.setQuantization(biasQuantization(inScale, wScales));
    return t;
  }

  /** The same values as an int32 bias (which 2.6.2 refuses, or misreads, with int16 activations). */
  static Tensor int32Bias(ModelBuilder b, String name, long[] values, float inScale, float[] wScales) {
    int[] v = new int[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (int) values[i];
    }
    Tensor t = b.constant(name, DataType.INT32, Buffer.ofInts(v), v.length);
    t.setQuantization(biasQuantization(inScale, wScales));
    return t;
  }

  private static Quantization biasQuantization(float inScale, float[] wScales) {
    float[] s = new float[wScales.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = inScale * wScales[i];
    }
    return s.length == 1 ? Quantization.perTensor(s[0], 0) : Quantization.perAxis(s, new long[s.length], 0);
  }

  static TensorValue value(short[] codes, int... shape) {
    return TensorValue.ofShorts(DataType.INT16, Shape.of(shape), codes);
  }

  /** Random int16 codes over the whole range. */
  static short[] randomCodes(Random r, int n) {
    short[] v = new short[n];
    for (int i = 0; i < n; i++) {
      v[i] = (short) r.nextInt();
    }
    return v;
  }

  /** Every int16 code once, ascending. */
  static short[] allCodes() {
    short[] v = new short[65536];
    for (int i = 0; i < v.length; i++) {
      v[i] = (short) (i - 32768);
    }
    return v;
  }

  static long[] randomBias(Random r, int n, long bound) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = (long) ((r.nextDouble() * 2 - 1) * bound);
    }
    return v;
  }

  // ---- candidate formulas, for choosing scales and accumulators that separate them ----

  /** 2.6.2's 16-bit multiply (with its guard for multipliers that round up to 2^15). */
  static int mbqm64(long acc, QuantMath.Multiplier m) {
    return QuantMath.mbqm64(acc, m.multiplier(), m.shift());
  }

  /** One rounding with the whole 31-bit multiplier. */
  static int fullMultiplier(long acc, QuantMath.Multiplier m) {
    return (int) ((acc * m.multiplier() + (1L << (30 - m.shift()))) >> (31 - m.shift()));
  }

  /** The 16-bit multiplier 2.6.2 derives from a 31-bit one. */
  static long cut16(int multiplier) {
    return multiplier < 0x7FFF0000 ? (multiplier + (1L << 15)) >> 16 : 0x7FFF;
  }

  /**
   * Random scales (input, weight, output) whose float and double products give quantized
   * multipliers that still differ once cut to 16 bits (same shift), with a real multiplier near
   * {@code target}.
   */
  static float[] scalesWithDifferent16BitProducts(Random r, double target) {
    while (true) {
      float sIn = QuantizedModels.logUniform(r, 1e-5, 1e-3);
      float sW = QuantizedModels.logUniform(r, 1e-4, 1e-2);
      float sOut = (float) ((double) sIn * sW / (target * (0.5 + r.nextDouble())));
      QuantMath.Multiplier f = QuantizedModels.floatProduct(sIn, sW, sOut);
      QuantMath.Multiplier d = QuantizedModels.doubleProduct(sIn, sW, sOut);
      if (f.shift() == d.shift() && cut16(f.multiplier()) != cut16(d.multiplier())) {
        return new float[] {sIn, sW, sOut};
      }
    }
  }

  /**
   * An accumulator near the rounding boundary of a random output code in [-20000, 20000] on which
   * {@code disagree} holds, or {@code Long.MIN_VALUE} if none was found.
   */
  static long sensitiveAccumulator(Random r, double real, java.util.function.LongPredicate disagree) {
    for (int tries = 0; tries < 4000; tries++) {
      int code = r.nextInt(40001) - 20000;
      double boundary = (code + 0.5) / real;
      long c = Math.round(boundary);
      long span = Math.max(4, (long) (2 / real));
      for (long a = c - span; a <= c + span; a += Math.max(1, span / 16)) {
        if (disagree.test(a)) {
          return a;
        }
      }
    }
    return Long.MIN_VALUE;
  }
}
