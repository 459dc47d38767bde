package dev.litequant.runtime.kernels;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.DataType;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.TensorValue;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * Building blocks of quantized single-operator test models, and the test-side search for
 * "sensitive" accumulators: values on which two candidate output formulas disagree. Tests put
 * such accumulators into the models (through the bias) so that the oracle's answer tells the
 * formulas apart. The search only chooses inputs; expected outputs always come from the oracle.
 */
final class QuantizedModels {
  private QuantizedModels() {}

  static Tensor perTensor(Tensor t, float scale, int zeroPoint) {
    t.setQuantization(Quantization.perTensor(scale, zeroPoint));
    return t;
  }

  /** An int8 constant with one scale per slice along {@code axis} (or one scale), zero points 0. */
  static Tensor int8Weights(ModelBuilder b, String name, byte[] codes, float[] scales, int axis, int... shape) {
    Tensor t = b.constant(name, DataType.INT8, Buffer.copyOf(codes), shape);
    t.setQuantization(scales.length == 1 ? Quantization.perTensor(scales[0], 0)
        : Quantization.perAxis(scales, new long[scales.length], axis));
    return t;
  }

  /** An int32 bias with the conventional scales {@code s_in * s_w[c]} (float product). */
  static Tensor int32Bias(ModelBuilder b, String name, int[] values, float inScale, float[] wScales) {
    Tensor t = b.constant(name, DataType.INT32, Buffer.ofInts(values), values.length);
    float[] s = new float[wScales.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = inScale * wScales[i];
    }
    t.setQuantization(s.length == 1 ? Quantization.perTensor(s[0], 0) : Quantization.perAxis(s, new long[s.length], 0));
    return t;
  }

  static byte[] randomCodes(Random r, int n) {
    byte[] v = new byte[n];
    r.nextBytes(v);
    return v;
  }

  /** Random int8 weights in [-127, 127] (the converter never writes -128 for symmetric weights). */
  static byte[] randomWeights(Random r, int n) {
    byte[] v = new byte[n];
    for (int i = 0; i < n; i++) {
      v[i] = (byte) (r.nextInt(255) - 127);
    }
    return v;
  }

  static TensorValue int8Value(byte[] codes, int... shape) {
    return TensorValue.ofBytes(DataType.INT8, Shape.of(shape), codes);
  }

  /** A random float scale, log-uniform in [lo, hi). */
  static float logUniform(Random r, double lo, double hi) {
    return (float) Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
  }

  static float[] logUniform(Random r, int n, double lo, double hi) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = logUniform(r, lo, hi);
    }
    return s;
  }

  static int size(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  // ---- the candidate output formulas, for choosing sensitive accumulators ----

  static QuantMath.Multiplier floatProduct(float sIn, float sW, float sOut) {
    return QuantMath.quantizeMultiplier((double) (sIn * sW) / (double) sOut);
  }

  static QuantMath.Multiplier doubleProduct(float sIn, float sW, float sOut) {
    return QuantMath.quantizeMultiplier((double) sIn * (double) sW / (double) sOut);
  }

  static int ruy(int acc, QuantMath.Multiplier m) {
    return QuantMath.ruyMul(acc, m.multiplier(), m.shift());
  }

  static int mbqm(int acc, QuantMath.Multiplier m) {
    return QuantMath.mbqm(acc, m.multiplier(), m.shift());
  }

  /**
   * An accumulator on which {@code disagree} holds, whose output code (scaled by {@code real}
   * and offset by {@code zpOut}) stays within [-100, 100]: searched next to the rounding boundaries
   * of random output codes.
   */
  static OptionalInt sensitiveAccumulator(Random r, double real, int zpOut, IntPredicate disagree) {
    for (int tries = 0; tries < 4000; tries++) {
      int code = r.nextInt(201) - 100 - zpOut;
      double boundary = (code + 0.5) / real;
      if (Math.abs(boundary) > 2.0e9) {
        continue;
      }
      long c = Math.round(boundary);
      for (long a = c - 4; a <= c + 4; a++) {
        if (disagree.test((int) a)) {
          return OptionalInt.of((int) a);
        }
      }
    }
    return OptionalInt.empty();
  }

  /**
   * Random scales (input, weights, output) whose float and double products give different
   * quantized multipliers, with a real multiplier near {@code target} (small multipliers mean
   * large accumulators, where a multiplier's last bits change the output).
   */
  static float[] scalesWithDifferentProducts(Random r, double target, int minDifference) {
    while (true) {
      float sIn = logUniform(r, 1e-3, 3e-2);
      float sW = logUniform(r, 1e-4, 3e-3);
      float sOut = (float) ((double) sIn * sW / (target * (0.5 + r.nextDouble())));
      QuantMath.Multiplier f = floatProduct(sIn, sW, sOut);
      QuantMath.Multiplier d = doubleProduct(sIn, sW, sOut);
      if (f.shift() == d.shift() && Math.abs(f.multiplier() - d.multiplier()) >= minDifference) {
        return new float[] {sIn, sW, sOut};
      }
    }
  }

  /**
   * A weight scale for the given input and output scales whose float and double products give
   * quantized multipliers at least {@code minDifference} apart, with a real multiplier near
   * {@code target}.
   */
  static float weightScaleWithDifferentProducts(Random r, float sIn, float sOut, double target, int minDifference) {
    while (true) {
      float sW = (float) (target * sOut / sIn * (0.5 + r.nextDouble()));
      QuantMath.Multiplier f = floatProduct(sIn, sW, sOut);
      QuantMath.Multiplier d = doubleProduct(sIn, sW, sOut);
      if (f.shift() == d.shift() && Math.abs(f.multiplier() - d.multiplier()) >= minDifference) {
        return sW;
      }
    }
  }
}
