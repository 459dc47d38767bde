package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.ARG_MAX;
import static dev.litequant.graph.BuiltinOperator.ARG_MIN;
import static dev.litequant.graph.BuiltinOperator.MEAN;
import static dev.litequant.graph.BuiltinOperator.REDUCE_ALL;
import static dev.litequant.graph.BuiltinOperator.REDUCE_ANY;
import static dev.litequant.graph.BuiltinOperator.REDUCE_MAX;
import static dev.litequant.graph.BuiltinOperator.REDUCE_MIN;
import static dev.litequant.graph.BuiltinOperator.REDUCE_PROD;
import static dev.litequant.graph.BuiltinOperator.SUM;

import dev.litequant.graph.DataType;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reductions over constant axes: MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN (float32, int32,
 * int64), REDUCE_ANY and REDUCE_ALL (bool), and ARG_MAX / ARG_MIN (float32 or int32 input, int32 or
 * int64 indices).
 *
 * <p>Like TensorFlow Lite's reference {@code Reduce}, each output starts at the reduction's initial
 * value and takes the input elements in row-major order, so MAX/MIN start from the lowest/highest
 * finite value and skip NaN, and integer sums wrap. MEAN of int32 sums in 64 bits and divides with
 * truncation toward zero. int8 and uint8 inputs follow 2.6.2's quantized paths ({@link #quantized}),
 * int16 inputs {@link Int16Reductions}.
 */
public final class ReductionKernels {
  private ReductionKernels() {}

  /** The elementwise reductions. */
  public enum Reducer { MEAN, SUM, PROD, MAX, MIN, ANY, ALL }

  public static void register(KernelRegistry.Builder b) {
    b.add(MEAN, 3, ctx -> reduce(ctx, Reducer.MEAN));
    b.add(SUM, 2, ctx -> reduce(ctx, Reducer.SUM));
    b.add(REDUCE_PROD, 1, ctx -> reduce(ctx, Reducer.PROD));
    b.add(REDUCE_MAX, 3, ctx -> reduce(ctx, Reducer.MAX));
    b.add(REDUCE_MIN, 3, ctx -> reduce(ctx, Reducer.MIN));
    b.add(REDUCE_ANY, 1, ctx -> reduce(ctx, Reducer.ANY));
    b.add(REDUCE_ALL, 1, ctx -> reduce(ctx, Reducer.ALL));
    b.add(ARG_MAX, 2, ctx -> argMinMax(ctx, true));
    b.add(ARG_MIN, 2, ctx -> argMinMax(ctx, false));
  }

  /**
   * A prepared reduction: {@code target[i]} is the output element that input element {@code i}
   * folds into, and {@code count} the number of input elements behind each output element.
   */
  public record ReduceParams(RuntimeTensor input, RuntimeTensor output, int[] target, int outputSize, int count) {}

  /** Validates a reduction of any element type, resolves its axes and sets its output shape. */
  public static ReduceParams prepare(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    // An empty axis list has nothing to wait for, even where the file stores it as a non-constant.
    int[] axes = ctx.requireInput(1).size() == 0 ? new int[0] : ctx.knownInts(1);
    boolean keepDims = ctx.options("ReducerOptions").getBool("keep_dims");
    int rank = in.rank();
    boolean[] reduced = new boolean[rank];
    if (rank > 0) {
      for (int a : axes) {
        reduced[ctx.axis(a, rank)] = true;
      }
    }
    int[] inDims = in.dims();
    int outRank = 0;
    for (int d = 0; d < rank; d++) {
      outRank += keepDims || !reduced[d] ? 1 : 0;
    }
    int[] outDims = new int[outRank];
    // Collapsed strides: reduced axes contribute nothing to the output index.
    int[] outStride = new int[rank];
    int count = 1;
    int k = outRank;
    int acc = 1;
    for (int d = rank - 1; d >= 0; d--) {
      if (reduced[d]) {
        count *= inDims[d];
        if (keepDims) {
          outDims[--k] = 1;
        }
      } else {
        outDims[--k] = inDims[d];
        outStride[d] = acc;
        acc *= inDims[d];
      }
    }
    ctx.setOutputShape(0, outDims);
    int[] target = new int[in.size()];
    int[] idx = new int[rank];
    int pos = 0;
    for (int i = 0; i < target.length; i++) {
      target[i] = pos;
      for (int d = rank - 1; d >= 0; d--) {
        idx[d]++;
        pos += outStride[d];
        if (idx[d] < inDims[d]) {
          break;
        }
        pos -= outStride[d] * idx[d];
        idx[d] = 0;
      }
    }
    return new ReduceParams(in, out, target, Shapes.size(outDims), count);
  }

  static Kernel reduce(OpContext ctx, Reducer r) {
    ReduceParams p = prepare(ctx);
    DataType type = p.input().type();
    boolean logical = r == Reducer.ANY || r == Reducer.ALL;
    if (type == DataType.INT8 || type == DataType.UINT8) {
      return quantized(ctx, p, r);
    }
    if (type == DataType.INT16 && !logical) {
      return Int16Reductions.create(ctx, p, r);
    }
    if (logical != (type == DataType.BOOL)) {
      throw ctx.unsupported(type.displayName() + " input to " + name(r) + (logical ? " (needs bool)" : ""));
    }
    return switch (type) {
      case FLOAT32 -> () -> runFloat(p, r);
      case INT32, INT64 -> () -> runInteger(p, r);
      case BOOL -> () -> runBool(p, r);
      default -> throw ctx.unsupported(type.displayName() + " input to " + name(r)
          + " (only float32, int32 and int64 so far)");
    };
  }

  /**
   * Reductions of int8 and uint8 codes, as 2.6.2 dispatches them ({@code int8-arithmetic.md}
   * 3.10). REDUCE_MAX / REDUCE_MIN pick codes and ignore the quantization. MEAN takes the first of:
   * <ol>
   *   <li>int8, 4-D input, keep_dims, axes exactly {1, 2} in either order (for int8 also the
   *       negative forms): the
   *       integer kernel, MBQM of the offset sum by {@code s_in / s_out} (double), then a division
   *       by the count rounding half away from zero; uint8 in that shape has its own kernel, with
   *       a float-derived bias and multiplier {@code s_in / (n s_out)};
   *   <li>input and output with equal scale and zero point: the sum of codes divided by the count
   *       with truncation;
   *   <li>otherwise the float path {@code round(mean * sc - zp_in * sc) + zp_out}, all in float.
   * </ol>
   * SUM with equal parameters adds the codes in the 8-bit type (wrapping); otherwise it rescales
   * the sum in float and converts back to 8 bits without clamping, as 2.6.2's {@code
   * QuantizedMeanOrSum} does.
   */
  static Kernel quantized(OpContext ctx, ReduceParams p, Reducer r) {
    RuntimeTensor in = p.input();
    RuntimeTensor out = p.output();
    DataType type = in.type();
    int qmin = Quantized.min(type);
    int qmax = Quantized.max(type);
    if (r == Reducer.MAX || r == Reducer.MIN) {
      boolean max = r == Reducer.MAX;
      return () -> {
        Quantized.Codes x = Quantized.codes(in);
        Quantized.Codes y = Quantized.codes(out);
        int[] acc = new int[p.outputSize()];
        Arrays.fill(acc, max ? qmin : qmax);
        int[] target = p.target();
        for (int i = 0; i < target.length; i++) {
          int v = x.get(i);
          acc[target[i]] = max ? Math.max(acc[target[i]], v) : Math.min(acc[target[i]], v);
        }
        for (int j = 0; j < acc.length; j++) {
          y.set(j, acc[j]);
        }
      };
    }
    if (r != Reducer.MEAN && r != Reducer.SUM) {
      throw ctx.unsupported(type.displayName() + " input to " + name(r));
    }
    Quantized.Params pi = Quantized.params(ctx, in, "input");
    Quantized.Params po = Quantized.params(ctx, out, "output");
    int n = p.count();
    boolean sameParams = pi.scale() == po.scale() && pi.zeroPoint() == po.zeroPoint();
    if (r == Reducer.MEAN && isSpatialMean(ctx, in)) {
      int[] target = p.target();
      if (type == DataType.INT8) {
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier((double) pi.scale() / (double) po.scale());
        int zi = pi.zeroPoint();
        int zo = po.zeroPoint();
        return () -> {
          int[] acc = sums(in, target, p.outputSize(), zi);
          Quantized.Codes y = Quantized.codes(out);
          for (int j = 0; j < acc.length; j++) {
            int a = QuantMath.mbqm(acc[j], m.multiplier(), m.shift());
            a = a > 0 ? (a + n / 2) / n : (a - n / 2) / n;
            y.set(j, QuantMath.clamp(a + zo, qmin, qmax));
          }
        };
      }
      // uint8: optimized_ops::Mean, with the bias and the multiplier derived in float.
      float temp = pi.zeroPoint() * pi.scale() / po.scale();
      temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
      int bias = po.zeroPoint() - (int) temp;
      QuantMath.Multiplier m = QuantMath.quantizeMultiplier(pi.scale() / ((float) n * po.scale()));
      return () -> {
        int[] acc = sums(in, target, p.outputSize(), 0);
        Quantized.Codes y = Quantized.codes(out);
        for (int j = 0; j < acc.length; j++) {
          y.set(j, QuantMath.clamp(QuantMath.mbqm(acc[j], m.multiplier(), m.shift()) + bias, qmin, qmax));
        }
      };
    }
    if (sameParams) {
      return () -> {
        int[] acc = sums(in, p.target(), p.outputSize(), 0);
        Quantized.Codes y = Quantized.codes(out);
        for (int j = 0; j < acc.length; j++) {
          // MEAN: C division truncates; SUM: the codes were added in the 8-bit type, which wraps.
          y.set(j, r == Reducer.MEAN ? (n > 0 ? acc[j] / n : 0) : acc[j]);
        }
      };
    }
    float sc = pi.scale() / po.scale();
    int zo = po.zeroPoint();
    if (r == Reducer.SUM) {
      float bias = (float) -pi.zeroPoint() * sc * (float) n;
      return () -> {
        int[] acc = sums(in, p.target(), p.outputSize(), 0);
        Quantized.Codes y = Quantized.codes(out);
        for (int j = 0; j < acc.length; j++) {
          int v = QuantMath.x86ToInt(QuantMath.roundHalfAwayFromZero((float) acc[j] * sc + bias)) + zo;
          y.set(j, v);
        }
      };
    }
    float bias = (float) -pi.zeroPoint() * sc;
    return () -> {
      int[] acc = sums(in, p.target(), p.outputSize(), 0);
      Quantized.Codes y = Quantized.codes(out);
      for (int j = 0; j < acc.length; j++) {
        float mean = (float) acc[j] / (float) n;
        float v = QuantMath.roundHalfAwayFromZero(mean * sc + bias) + (float) zo;
        v = Math.max(Math.min(v, (float) qmax), (float) qmin);
        y.set(j, (int) v);
      }
    };
  }

  /** 2.6.2's first MEAN test: a 4-D input, keep_dims, and exactly the two axes 1 and 2. */
  private static boolean isSpatialMean(OpContext ctx, RuntimeTensor in) {
    if (in.rank() != 4 || !ctx.options("ReducerOptions").getBool("keep_dims")) {
      return false;
    }
    int[] axes = ctx.knownInts(1);
    if (axes.length != 2) {
      return false;
    }
    // int8 accepts the negative forms (-3, -2); uint8 compares the axes as written (T: uint8 with
    // {-3, -2} takes the truncating path).
    boolean normalise = in.type() == DataType.INT8;
    int a = normalise && axes[0] < 0 ? axes[0] + 4 : axes[0];
    int b = normalise && axes[1] < 0 ? axes[1] + 4 : axes[1];
    return (a == 1 && b == 2) || (a == 2 && b == 1);
  }

  /** Per-output sums of {@code code - offset} in int32. */
  private static int[] sums(RuntimeTensor in, int[] target, int outputs, int offset) {
    Quantized.Codes x = Quantized.codes(in);
    int[] acc = new int[outputs];
    for (int i = 0; i < target.length; i++) {
      acc[target[i]] += x.get(i) - offset;
    }
    return acc;
  }

  private static String name(Reducer r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  public static void runFloat(ReduceParams p, Reducer r) {
    float[] x = p.input().floats();
    float[] y = p.output().floats();
    int[] target = p.target();
    float init = switch (r) {
      case PROD -> 1f;
      case MAX -> -Float.MAX_VALUE;
      case MIN -> Float.MAX_VALUE;
      default -> 0f;
    };
    Arrays.fill(y, 0, p.outputSize(), init);
    for (int i = 0; i < target.length; i++) {
      float v = x[i];
      int t = target[i];
      switch (r) {
        case MEAN, SUM -> y[t] += v;
        case PROD -> y[t] *= v;
        case MAX -> y[t] = v > y[t] ? v : y[t];
        case MIN -> y[t] = v < y[t] ? v : y[t];
        default -> throw new IllegalStateException(r + " on floats");
      }
    }
    // An empty reduction leaves the initial value, except MEAN, which TensorFlow Lite leaves at 0.
    if (r == Reducer.MEAN && p.count() > 0) {
      for (int j = 0; j < p.outputSize(); j++) {
        y[j] /= p.count();
      }
    }
  }

  /** int32 and int64, both computed in 64 bits; int32 results wrap as TensorFlow Lite's do. */
  public static void runInteger(ReduceParams p, Reducer r) {
    RuntimeTensor in = p.input();
    int[] target = p.target();
    long init = switch (r) {
      case PROD -> 1;
      case MAX -> in.type() == DataType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
      case MIN -> in.type() == DataType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
      default -> 0;
    };
    long[] acc = new long[p.outputSize()];
    Arrays.fill(acc, init);
    for (int i = 0; i < target.length; i++) {
      long v = in.getLong(i);
      int t = target[i];
      switch (r) {
        case MEAN, SUM -> acc[t] += v;
        case PROD -> acc[t] *= v;
        case MAX -> acc[t] = Math.max(acc[t], v);
        case MIN -> acc[t] = Math.min(acc[t], v);
        default -> throw new IllegalStateException(r + " on integers");
      }
    }
    if (r == Reducer.MEAN) {
      for (int j = 0; j < acc.length; j++) {
        acc[j] = p.count() > 0 ? acc[j] / p.count() : 0;
      }
    }
    if (in.type() == DataType.INT32) {
      int[] y = p.output().ints();
      for (int j = 0; j < acc.length; j++) {
        y[j] = (int) acc[j];
      }
    } else {
      System.arraycopy(acc, 0, p.output().longs(), 0, acc.length);
    }
  }

  public static void runBool(ReduceParams p, Reducer r) {
    byte[] x = p.input().bytes();
    byte[] y = p.output().bytes();
    int[] target = p.target();
    boolean any = r == Reducer.ANY;
    Arrays.fill(y, 0, p.outputSize(), (byte) (any ? 0 : 1));
    for (int i = 0; i < target.length; i++) {
      boolean v = x[i] != 0;
      if (any ? v : !v) {
        y[target[i]] = (byte) (any ? 1 : 0);
      }
    }
  }

  /**
   * A prepared ARG_MAX / ARG_MIN: the input seen as [outer, axisSize, inner], one index per
   * (outer, inner) pair.
   */
  public record ArgParams(RuntimeTensor input, RuntimeTensor output, int outer, int axisSize, int inner) {}

  public static ArgParams prepareArg(OpContext ctx, boolean max) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    int[] axisValues = ctx.knownInts(1);
    if (axisValues.length != 1) {
      throw ctx.invalid("needs exactly one axis, got " + axisValues.length);
    }
    int axis = ctx.axis(axisValues[0], in.rank());
    int outputType = ctx.options(max ? "ArgMaxOptions" : "ArgMinOptions").getInt("output_type");
    DataType declared = DataType.fromCode(outputType);
    if (declared != DataType.INT32 && declared != DataType.INT64) {
      throw ctx.invalid("has output_type " + (declared == null ? "code " + outputType : declared.displayName())
          + "; it must be int32 or int64");
    }
    if (out.type() != declared) {
      throw ctx.invalid("has output_type " + declared.displayName() + " but a " + out.type().displayName()
          + " output tensor");
    }
    int[] dims = in.dims();
    int[] outDims = new int[dims.length - 1];
    int outer = 1;
    int inner = 1;
    for (int d = 0, k = 0; d < dims.length; d++) {
      if (d < axis) {
        outer *= dims[d];
      } else if (d > axis) {
        inner *= dims[d];
      }
      if (d != axis) {
        outDims[k++] = dims[d];
      }
    }
    ctx.setOutputShape(0, outDims);
    return new ArgParams(in, out, outer, dims[axis], inner);
  }

  static Kernel argMinMax(OpContext ctx, boolean max) {
    ArgParams p = prepareArg(ctx, max);
    DataType type = p.input().type();
    if (type != DataType.FLOAT32 && type != DataType.INT32) {
      throw ctx.unsupported(type.displayName() + " input to " + (max ? "ARG_MAX" : "ARG_MIN")
          + " (only float32 and int32 so far)");
    }
    return () -> runArg(p, max);
  }

  /** Strict comparisons keep the first index on ties; a NaN first element is never replaced. */
  public static void runArg(ArgParams p, boolean max) {
    RuntimeTensor in = p.input();
    boolean isFloat = in.type() == DataType.FLOAT32;
    boolean longOut = p.output().type() == DataType.INT64;
    for (int o = 0; o < p.outer(); o++) {
      for (int i = 0; i < p.inner(); i++) {
        int base = o * p.axisSize() * p.inner() + i;
        int best = 0;
        if (p.axisSize() > 0) {
          float bestF = isFloat ? in.floats()[base] : 0f;
          long bestL = isFloat ? 0 : in.getLong(base);
          for (int a = 1; a < p.axisSize(); a++) {
            int at = base + a * p.inner();
            boolean better;
            if (isFloat) {
              float v = in.floats()[at];
              better = max ? v > bestF : v < bestF;
              if (better) {
                bestF = v;
              }
            } else {
              long v = in.getLong(at);
              better = max ? v > bestL : v < bestL;
              if (better) {
                bestL = v;
              }
            }
            if (better) {
              best = a;
            }
          }
        }
        int outIndex = o * p.inner() + i;
        if (longOut) {
          p.output().longs()[outIndex] = best;
        } else {
          p.output().ints()[outIndex] = best;
        }
      }
    }
  }
}
