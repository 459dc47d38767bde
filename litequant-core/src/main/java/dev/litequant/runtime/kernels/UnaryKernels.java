package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.ABS;
import static dev.litequant.graph.BuiltinOperator.CAST;
import static dev.litequant.graph.BuiltinOperator.CEIL;
import static dev.litequant.graph.BuiltinOperator.COS;
import static dev.litequant.graph.BuiltinOperator.ELU;
import static dev.litequant.graph.BuiltinOperator.EXP;
import static dev.litequant.graph.BuiltinOperator.FLOOR;
import static dev.litequant.graph.BuiltinOperator.GELU;
import static dev.litequant.graph.BuiltinOperator.HARD_SWISH;
import static dev.litequant.graph.BuiltinOperator.LEAKY_RELU;
import static dev.litequant.graph.BuiltinOperator.LOG;
import static dev.litequant.graph.BuiltinOperator.LOGICAL_NOT;
import static dev.litequant.graph.BuiltinOperator.LOGISTIC;
import static dev.litequant.graph.BuiltinOperator.NEG;
import static dev.litequant.graph.BuiltinOperator.PRELU;
import static dev.litequant.graph.BuiltinOperator.RELU;
import static dev.litequant.graph.BuiltinOperator.RELU6;
import static dev.litequant.graph.BuiltinOperator.RELU_0_TO_1;
import static dev.litequant.graph.BuiltinOperator.RELU_N1_TO_1;
import static dev.litequant.graph.BuiltinOperator.ROUND;
import static dev.litequant.graph.BuiltinOperator.RSQRT;
import static dev.litequant.graph.BuiltinOperator.SIGN;
import static dev.litequant.graph.BuiltinOperator.SIN;
import static dev.litequant.graph.BuiltinOperator.SQRT;
import static dev.litequant.graph.BuiltinOperator.SQUARE;
import static dev.litequant.graph.BuiltinOperator.TANH;

import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelFactory;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Elementwise operators of one input: math functions and activations (float32), a few integer
 * ones (ABS, NEG, SQUARE on int32/int64), LOGICAL_NOT, CAST, and PRELU (with a broadcast alpha).
 * Quantized inputs of the activations, ABS and RSQRT go to {@link QuantizedUnaryKernels}.
 */
public final class UnaryKernels {
  private UnaryKernels() {}

  /** A float function of one value. */
  @FunctionalInterface
  interface FloatFn {
    float apply(float x);
  }

  public static void register(KernelRegistry.Builder b) {
    b.add(ABS, 4, orQuantized(ctx -> math(ctx, Math::abs, Math::abs), QuantizedUnaryKernels::abs));
    b.add(NEG, 1, ctx -> math(ctx, x -> -x, x -> -x));
    b.add(SQUARE, 1, ctx -> math(ctx, x -> x * x, x -> x * x));
    b.add(EXP, 1, ctx -> math(ctx, x -> (float) Math.exp(x), null));
    b.add(LOG, 1, ctx -> math(ctx, x -> (float) Math.log(x), null));
    b.add(SQRT, 1, ctx -> math(ctx, x -> (float) Math.sqrt(x), null));
    b.add(RSQRT, 2, orQuantized(ctx -> math(ctx, x -> 1f / (float) Math.sqrt(x), null),
        QuantizedUnaryKernels::rsqrt));
    b.add(SIN, 1, ctx -> math(ctx, x -> (float) Math.sin(x), null));
    b.add(COS, 1, ctx -> math(ctx, x -> (float) Math.cos(x), null));
    b.add(FLOOR, 1, ctx -> math(ctx, x -> (float) Math.floor(x), null));
    b.add(CEIL, 1, ctx -> math(ctx, x -> (float) Math.ceil(x), null));
    b.add(ROUND, 1, ctx -> math(ctx, UnaryKernels::roundHalfToEven, null));
    b.add(SIGN, 1, ctx -> math(ctx, Math::signum, Long::signum));
    b.add(LOGISTIC, 3, orQuantized(ctx -> math(ctx, x -> (float) (1.0 / (1.0 + Math.exp(-x))), null),
        ctx -> int16(ctx) ? Int16SigmoidTanh.create(ctx, true) : QuantizedUnaryKernels.lookupActivation(ctx, true)));
    b.add(TANH, 3, orQuantized(ctx -> math(ctx, x -> (float) Math.tanh(x), null),
        ctx -> int16(ctx) ? Int16SigmoidTanh.create(ctx, false) : QuantizedUnaryKernels.lookupActivation(ctx, false)));
    b.add(RELU, 3, orQuantized(ctx -> math(ctx, x -> Math.max(0f, x), null),
        ctx -> QuantizedUnaryKernels.reluX(ctx, 0f, Float.POSITIVE_INFINITY, true)));
    b.add(RELU6, 3, orQuantized(ctx -> math(ctx, x -> Math.min(Math.max(0f, x), 6f), null),
        ctx -> QuantizedUnaryKernels.reluX(ctx, 0f, 6f, true)));
    b.add(RELU_N1_TO_1, 1, orQuantized(ctx -> math(ctx, x -> Math.min(Math.max(-1f, x), 1f), null),
        ctx -> QuantizedUnaryKernels.reluX(ctx, -1f, 1f, false)));
    b.add(RELU_0_TO_1, 1, ctx -> math(ctx, x -> Math.min(Math.max(0f, x), 1f), null));
    b.add(HARD_SWISH, 1, orQuantized(ctx -> math(ctx, x -> x * Math.min(6f, Math.max(0f, x + 3f)) / 6f, null),
        QuantizedUnaryKernels::hardSwish));
    b.add(ELU, 1, ctx -> math(ctx, x -> x < 0 ? (float) Math.expm1(x) : x, null));
    b.add(LEAKY_RELU, 2, UnaryKernels::leakyRelu);
    b.add(GELU, 2, UnaryKernels::gelu);
    b.add(PRELU, 1, orQuantized(UnaryKernels::prelu, QuantizedUnaryKernels::prelu));
    b.add(LOGICAL_NOT, 1, UnaryKernels::logicalNot);
    b.add(CAST, 1, UnaryKernels::cast);
  }

  private static boolean int16(OpContext ctx) {
    return ctx.requireInput(0).type() == DataType.INT16;
  }

  /** The float kernel, or the integer one when input 0 holds quantized codes (int8, uint8, int16). */
  private static KernelFactory orQuantized(KernelFactory floatKernel, KernelFactory quantizedKernel) {
    return ctx -> Quantized.isQuantizedType(ctx.requireInput(0).type()) ? quantizedKernel.create(ctx)
        : floatKernel.create(ctx);
  }

  /** A float function, optionally also defined on int32/int64. */
  static Kernel math(OpContext ctx, FloatFn f, java.util.function.LongUnaryOperator integer) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    if (in.type() != out.type()) {
      throw ctx.unsupported(in.type().displayName() + " input with " + out.type().displayName() + " output");
    }
    ctx.setOutputShape(0, in.dims());
    switch (in.type()) {
      case FLOAT32:
        return () -> {
          float[] x = in.floats();
          float[] y = out.floats();
          int n = in.size();
          for (int i = 0; i < n; i++) {
            y[i] = f.apply(x[i]);
          }
        };
      case INT32:
        if (integer != null) {
          return () -> {
            int[] x = in.ints();
            int[] y = out.ints();
            for (int i = 0; i < in.size(); i++) {
              y[i] = (int) integer.applyAsLong(x[i]);
            }
          };
        }
        break;
      case INT64:
        if (integer != null) {
          return () -> {
            long[] x = in.longs();
            long[] y = out.longs();
            for (int i = 0; i < in.size(); i++) {
              y[i] = integer.applyAsLong(x[i]);
            }
          };
        }
        break;
      default:
        break;
    }
    throw ctx.unsupported(in.type().displayName() + " input");
  }

  /** TensorFlow Lite's ROUND: to nearest, ties to even. */
  static float roundHalfToEven(float x) {
    return (float) Math.rint(x);
  }

  static Kernel leakyRelu(OpContext ctx) {
    float alpha = ctx.options("LeakyReluOptions").getFloat("alpha");
    if (Quantized.isQuantizedType(ctx.requireInput(0).type())) {
      return QuantizedUnaryKernels.leakyRelu(ctx, alpha);
    }
    return math(ctx, x -> x > 0 ? x : x * alpha, null);
  }

  static Kernel gelu(OpContext ctx) {
    boolean approximate = ctx.options("GeluOptions").getBool("approximate");
    if (approximate) {
      double c = Math.sqrt(2 / Math.PI);
      return math(ctx, x -> (float) (0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)))), null);
    }
    return math(ctx, x -> (float) (0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)))), null);
  }

  static Kernel prelu(OpContext ctx) {
    RuntimeTensor in = ctx.requireType(0, DataType.FLOAT32);
    RuntimeTensor alpha = ctx.requireType(1, DataType.FLOAT32);
    RuntimeTensor out = ctx.output(0);
    int[] shape = Shapes.broadcast(in.dims(), alpha.dims());
    if (shape == null) {
      throw ctx.invalid("cannot broadcast alpha " + alpha + " to " + in);
    }
    ctx.setOutputShape(0, shape);
    int[] mapIn = Shapes.broadcastIndex(in.dims(), shape);
    int[] mapAlpha = Shapes.broadcastIndex(alpha.dims(), shape);
    return () -> {
      float[] x = in.floats();
      float[] a = alpha.floats();
      float[] y = out.floats();
      for (int i = 0; i < mapIn.length; i++) {
        float v = x[mapIn[i]];
        y[i] = v >= 0 ? v : v * a[mapAlpha[i]];
      }
    };
  }

  static Kernel logicalNot(OpContext ctx) {
    RuntimeTensor in = ctx.requireType(0, DataType.BOOL);
    RuntimeTensor out = ctx.output(0);
    ctx.setOutputShape(0, in.dims());
    return () -> {
      byte[] x = in.bytes();
      byte[] y = out.bytes();
      for (int i = 0; i < in.size(); i++) {
        y[i] = (byte) (x[i] == 0 ? 1 : 0);
      }
    };
  }

  /** CAST between numeric and bool types: float to integer truncates, anything to bool is != 0. */
  static Kernel cast(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    ctx.setOutputShape(0, in.dims());
    DataType to = out.type();
    if (to == DataType.FLOAT16 || in.type() == DataType.FLOAT16) {
      throw ctx.unsupported("float16 casts");
    }
    boolean fromFloat = in.type() == DataType.FLOAT32;
    return () -> {
      int n = in.size();
      for (int i = 0; i < n; i++) {
        if (fromFloat) {
          store(out, to, i, in.floats()[i]);
        } else {
          storeLong(out, to, i, in.getLong(i));
        }
      }
    };
  }

  private static void store(RuntimeTensor out, DataType to, int i, float v) {
    switch (to) {
      case FLOAT32 -> out.floats()[i] = v;
      case BOOL -> out.bytes()[i] = (byte) (v != 0 ? 1 : 0);
      default -> storeLong(out, to, i, (long) v);
    }
  }

  private static void storeLong(RuntimeTensor out, DataType to, int i, long v) {
    switch (to) {
      case FLOAT32 -> out.floats()[i] = v;
      case INT32 -> out.ints()[i] = (int) v;
      case INT64 -> out.longs()[i] = v;
      case INT8, UINT8 -> out.bytes()[i] = (byte) v;
      case BOOL -> out.bytes()[i] = (byte) (v != 0 ? 1 : 0);
      case INT16, UINT16 -> out.shorts()[i] = (short) v;
      default -> throw new IllegalStateException("cast to " + to);
    }
  }
}
