package dev.litequant.runtime.kernels;

import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.ReductionKernels.ReduceParams;
import dev.litequant.runtime.kernels.ReductionKernels.Reducer;
import java.util.Arrays;

/**
 * Reductions of int16 codes as TensorFlow Lite 2.6.2 computes them. MEAN (symmetric int16) takes
 * the first of: the integer kernel for a 4-D input with keep_dims and axes exactly {1, 2} (the
 * offset sum scaled by {@code s_in / s_out}, then divided by the count rounding half away from
 * zero); the truncating mean of the codes when input and output share their scale; otherwise the
 * float path, {@code round(mean * s_in / s_out)} in float. SUM, REDUCE_MAX and REDUCE_MIN need
 * input and output quantized alike and reduce the raw codes, SUM wrapping in int16.
 */
final class Int16Reductions {
  private Int16Reductions() {}

  /** Which MEAN formula runs: 2.6.2's choice, or one forced for every shape (tests count the others). */
  enum MeanPath { AS_2_6_2, INTEGER, FLOAT }

  static Kernel create(OpContext ctx, ReduceParams p, Reducer r) {
    return create(ctx, p, r, MeanPath.AS_2_6_2);
  }

  static Kernel create(OpContext ctx, ReduceParams p, Reducer r, MeanPath path) {
    RuntimeTensor in = p.input();
    RuntimeTensor out = p.output();
    Quantized.Params pi = Quantized.params(ctx, in, "input");
    Quantized.Params po = Quantized.params(ctx, out, "output");
    boolean sameParams = pi.scale() == po.scale() && pi.zeroPoint() == po.zeroPoint();
    switch (r) {
      case MEAN:
        Quantized.requireZeroPoint0(ctx, pi, in, "input");
        Quantized.requireZeroPoint0(ctx, po, out, "output");
        return mean(ctx, p, pi, po, sameParams, path);
      case SUM:
      case MAX:
      case MIN:
        if (!sameParams) {
          // 2.6.2 fails when it runs such an operator: only 8-bit SUM rescales.
          throw ctx.invalid("has int16 input " + in + " and output " + out + " quantized differently; TensorFlow "
              + "Lite 2.6.2 reduces int16 codes only between tensors of the same scale and zero point");
        }
        return codes(p, r);
      default:
        // 2.6.2 runs int16 REDUCE_PROD, but multiplies the raw codes (wrapping): no quantized meaning.
        throw ctx.unsupported("int16 " + r.name() + " (TensorFlow Lite 2.6.2 multiplies the raw int16 codes)");
    }
  }

  private static Kernel mean(OpContext ctx, ReduceParams p, Quantized.Params pi, Quantized.Params po,
      boolean sameParams, MeanPath path) {
    int n = p.count();
    int[] target = p.target();
    RuntimeTensor in = p.input();
    RuntimeTensor out = p.output();
    if (path == MeanPath.INTEGER || (path == MeanPath.AS_2_6_2 && isSpatial(ctx, in))) {
      QuantMath.Multiplier m = QuantMath.quantizeMultiplier((double) pi.scale() / (double) po.scale());
      return () -> {
        int[] acc = sums(in, target, p.outputSize());
        short[] y = out.shorts();
        for (int j = 0; j < acc.length; j++) {
          int a = QuantMath.mbqm(acc[j], m.multiplier(), m.shift());
          a = a > 0 ? (a + n / 2) / n : (a - n / 2) / n;
          y[j] = (short) QuantMath.clamp(a, Short.MIN_VALUE, Short.MAX_VALUE);
        }
      };
    }
    if (path == MeanPath.AS_2_6_2 && sameParams) {
      return () -> {
        int[] acc = sums(in, target, p.outputSize());
        short[] y = out.shorts();
        for (int j = 0; j < acc.length; j++) {
          y[j] = (short) (n > 0 ? acc[j] / n : 0);
        }
      };
    }
    float sc = pi.scale() / po.scale();
    return () -> {
      int[] acc = sums(in, target, p.outputSize());
      short[] y = out.shorts();
      for (int j = 0; j < acc.length; j++) {
        float mean = (float) acc[j] / (float) n;
        float v = QuantMath.roundHalfAwayFromZero(mean * sc);
        y[j] = (short) Math.max(Math.min(v, (float) Short.MAX_VALUE), (float) Short.MIN_VALUE);
      }
    };
  }

  /** The integer kernel's case: a 4-D input, keep_dims, and the axes 1 and 2 as written, in either order. */
  private static boolean isSpatial(OpContext ctx, RuntimeTensor in) {
    if (in.rank() != 4 || !ctx.options("ReducerOptions").getBool("keep_dims")) {
      return false;
    }
    int[] axes = ctx.knownInts(1);
    return axes.length == 2 && ((axes[0] == 1 && axes[1] == 2) || (axes[0] == 2 && axes[1] == 1));
  }

  private static int[] sums(RuntimeTensor in, int[] target, int outputs) {
    short[] x = in.shorts();
    int[] acc = new int[outputs];
    for (int i = 0; i < target.length; i++) {
      acc[target[i]] += x[i];
    }
    return acc;
  }

  private static Kernel codes(ReduceParams p, Reducer r) {
    return () -> {
      short[] x = p.input().shorts();
      short[] y = p.output().shorts();
      int[] target = p.target();
      short init = switch (r) {
        case MAX -> Short.MIN_VALUE;
        case MIN -> Short.MAX_VALUE;
        default -> 0;
      };
      Arrays.fill(y, 0, p.outputSize(), init);
      for (int i = 0; i < target.length; i++) {
        int t = target[i];
        y[t] = switch (r) {
          case MAX -> (short) Math.max(y[t], x[i]);
          case MIN -> (short) Math.min(y[t], x[i]);
          default -> (short) (y[t] + x[i]);
        };
      }
    };
  }
}
