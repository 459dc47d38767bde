package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.ADD;
import static dev.litequant.graph.BuiltinOperator.DIV;
import static dev.litequant.graph.BuiltinOperator.EQUAL;
import static dev.litequant.graph.BuiltinOperator.FLOOR_DIV;
import static dev.litequant.graph.BuiltinOperator.FLOOR_MOD;
import static dev.litequant.graph.BuiltinOperator.GREATER;
import static dev.litequant.graph.BuiltinOperator.GREATER_EQUAL;
import static dev.litequant.graph.BuiltinOperator.LESS;
import static dev.litequant.graph.BuiltinOperator.LESS_EQUAL;
import static dev.litequant.graph.BuiltinOperator.LOGICAL_AND;
import static dev.litequant.graph.BuiltinOperator.LOGICAL_OR;
import static dev.litequant.graph.BuiltinOperator.MAXIMUM;
import static dev.litequant.graph.BuiltinOperator.MINIMUM;
import static dev.litequant.graph.BuiltinOperator.MUL;
import static dev.litequant.graph.BuiltinOperator.NOT_EQUAL;
import static dev.litequant.graph.BuiltinOperator.POW;
import static dev.litequant.graph.BuiltinOperator.SQUARED_DIFFERENCE;
import static dev.litequant.graph.BuiltinOperator.SUB;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Elementwise operators of two inputs with numpy broadcasting: arithmetic (float32, int32, int64)
 * and comparisons (bool output). Float semantics follow TensorFlow Lite's kernels, e.g. MAXIMUM is
 * {@code a > b ? a : b}, so a NaN in {@code a} loses and a NaN in {@code b} wins. Quantized operands
 * (int8, uint8, int16) go to the integer kernels of {@link QuantizedBinaryKernels}.
 */
public final class BinaryKernels {
  private BinaryKernels() {}

  /** The arithmetic operators, each defined once per element type. */
  enum Arith {
    ADD_OP, SUB_OP, MUL_OP, DIV_OP, SQDIFF_OP, MAX_OP, MIN_OP, POW_OP, FLOOR_DIV_OP, FLOOR_MOD_OP;

    float apply(float a, float b) {
      return switch (this) {
        case ADD_OP -> a + b;
        case SUB_OP -> a - b;
        case MUL_OP -> a * b;
        case DIV_OP -> a / b;
        case SQDIFF_OP -> (a - b) * (a - b);
        case MAX_OP -> a > b ? a : b;
        case MIN_OP -> a < b ? a : b;
        case POW_OP -> (float) Math.pow(a, b);
        case FLOOR_DIV_OP -> (float) Math.floor(a / b);
        case FLOOR_MOD_OP -> {
          float r = a % b;
          yield (r != 0 && (r < 0) != (b < 0)) ? r + b : r;
        }
      };
    }

    long apply(long a, long b) {
      return switch (this) {
        case ADD_OP -> a + b;
        case SUB_OP -> a - b;
        case MUL_OP -> a * b;
        case DIV_OP -> a / nonZero(b);
        case SQDIFF_OP -> (a - b) * (a - b);
        case MAX_OP -> Math.max(a, b);
        case MIN_OP -> Math.min(a, b);
        case POW_OP -> (long) Math.pow(a, b);
        case FLOOR_DIV_OP -> Math.floorDiv(a, nonZero(b));
        case FLOOR_MOD_OP -> Math.floorMod(a, nonZero(b));
      };
    }

    private static long nonZero(long b) {
      if (b == 0) {
        throw new InvalidArgumentException("Integer division by zero in the model's computation.");
      }
      return b;
    }
  }

  enum Compare {
    EQ, NE, LT, LE, GT, GE, AND, OR;

    boolean test(long a, long b) {
      return switch (this) {
        case EQ -> a == b;
        case NE -> a != b;
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        case AND -> a != 0 && b != 0;
        case OR -> a != 0 || b != 0;
      };
    }

    boolean test(float a, float b) {
      return switch (this) {
        case EQ -> a == b;
        case NE -> a != b;
        case LT -> a < b;
        case LE -> a <= b;
        case GT -> a > b;
        case GE -> a >= b;
        case AND -> a != 0 && b != 0;
        case OR -> a != 0 || b != 0;
      };
    }
  }

  public static void register(KernelRegistry.Builder b) {
    b.add(ADD, 4, ctx -> arithmetic(ctx, Arith.ADD_OP, "AddOptions"));
    b.add(SUB, 5, ctx -> arithmetic(ctx, Arith.SUB_OP, "SubOptions"));
    b.add(MUL, 5, ctx -> arithmetic(ctx, Arith.MUL_OP, "MulOptions"));
    b.add(DIV, 2, ctx -> arithmetic(ctx, Arith.DIV_OP, "DivOptions"));
    b.add(SQUARED_DIFFERENCE, 2, ctx -> arithmetic(ctx, Arith.SQDIFF_OP, null));
    b.add(MAXIMUM, 4, ctx -> arithmetic(ctx, Arith.MAX_OP, null));
    b.add(MINIMUM, 4, ctx -> arithmetic(ctx, Arith.MIN_OP, null));
    b.add(POW, 1, ctx -> arithmetic(ctx, Arith.POW_OP, null));
    b.add(FLOOR_DIV, 2, ctx -> arithmetic(ctx, Arith.FLOOR_DIV_OP, null));
    b.add(FLOOR_MOD, 1, ctx -> arithmetic(ctx, Arith.FLOOR_MOD_OP, null));
    b.add(EQUAL, 3, ctx -> compare(ctx, Compare.EQ));
    b.add(NOT_EQUAL, 3, ctx -> compare(ctx, Compare.NE));
    b.add(LESS, 2, ctx -> compare(ctx, Compare.LT));
    b.add(LESS_EQUAL, 2, ctx -> compare(ctx, Compare.LE));
    b.add(GREATER, 2, ctx -> compare(ctx, Compare.GT));
    b.add(GREATER_EQUAL, 2, ctx -> compare(ctx, Compare.GE));
    b.add(LOGICAL_AND, 1, ctx -> compare(ctx, Compare.AND));
    b.add(LOGICAL_OR, 1, ctx -> compare(ctx, Compare.OR));
  }

  /** Element index maps of both inputs into the broadcast output, or null for the same shape. */
  record Layout(int size, int[] mapA, int[] mapB) {}

  static Layout layout(OpContext ctx, RuntimeTensor a, RuntimeTensor b) {
    int[] out = Shapes.broadcast(a.dims(), b.dims());
    if (out == null) {
      throw ctx.invalid("cannot broadcast " + a + " with " + b);
    }
    ctx.setOutputShape(0, out);
    int n = Shapes.size(out);
    boolean sameA = a.size() == n && a.rank() == out.length;
    boolean sameB = b.size() == n && b.rank() == out.length;
    return new Layout(n, sameA ? null : Shapes.broadcastIndex(a.dims(), out),
        sameB ? null : Shapes.broadcastIndex(b.dims(), out));
  }

  static Kernel arithmetic(OpContext ctx, Arith op, String optionsTable) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    if (a.type() != b.type() || out.type() != a.type()) {
      throw ctx.unsupported("mixed types " + a.type().displayName() + ", " + b.type().displayName() + " -> "
          + out.type().displayName());
    }
    if (Quantized.isQuantizedType(a.type())) {
      return quantized(ctx, op, layout(ctx, a, b));
    }
    FusedActivations act = optionsTable == null ? FusedActivations.NONE
        : FusedActivations.of(ctx.options(optionsTable).getInt("fused_activation_function"));
    Layout l = layout(ctx, a, b);
    return switch (a.type()) {
      case FLOAT32 -> () -> floatLoop(op, act, a.floats(), b.floats(), out.floats(), l);
      case INT32 -> () -> {
        int[] x = a.ints();
        int[] y = b.ints();
        int[] z = out.ints();
        for (int i = 0; i < l.size; i++) {
          long v = op.apply(x[l.mapA == null ? i : l.mapA[i]], y[l.mapB == null ? i : l.mapB[i]]);
          z[i] = (int) clampLong(v, act);
        }
      };
      case INT64 -> () -> {
        long[] x = a.longs();
        long[] y = b.longs();
        long[] z = out.longs();
        for (int i = 0; i < l.size; i++) {
          z[i] = clampLong(op.apply(x[l.mapA == null ? i : l.mapA[i]], y[l.mapB == null ? i : l.mapB[i]]), act);
        }
      };
      default -> throw ctx.unsupported(a.type().displayName() + " inputs (only float32, int32 and int64 here)");
    };
  }

  /** int8, uint8 and int16 operands: the integer kernels of {@link QuantizedBinaryKernels}. */
  private static Kernel quantized(OpContext ctx, Arith op, Layout l) {
    return switch (op) {
      case ADD_OP -> QuantizedBinaryKernels.addSub(ctx, false, l);
      case SUB_OP -> QuantizedBinaryKernels.addSub(ctx, true, l);
      case MUL_OP -> QuantizedBinaryKernels.mul(ctx, l);
      case SQDIFF_OP -> QuantizedBinaryKernels.squaredDifference(ctx, l);
      case MAX_OP -> QuantizedBinaryKernels.maxMin(ctx, true, l);
      case MIN_OP -> QuantizedBinaryKernels.maxMin(ctx, false, l);
      default -> throw ctx.unsupported(ctx.requireInput(0).type().displayName() + " inputs (quantized "
          + ctx.operator().displayName() + " is not implemented)");
    };
  }

  private static long clampLong(long v, FusedActivations act) {
    if (act.isNone()) {
      return v;
    }
    return (long) Math.min(Math.max(v, act.min()), act.max());
  }

  /** The hot float loop: the common same-shape cases run without index maps. */
  private static void floatLoop(Arith op, FusedActivations act, float[] x, float[] y, float[] z, Layout l) {
    int n = l.size;
    if (l.mapA == null && l.mapB == null) {
      switch (op) {
        case ADD_OP -> {
          for (int i = 0; i < n; i++) {
            z[i] = x[i] + y[i];
          }
        }
        case MUL_OP -> {
          for (int i = 0; i < n; i++) {
            z[i] = x[i] * y[i];
          }
        }
        case SUB_OP -> {
          for (int i = 0; i < n; i++) {
            z[i] = x[i] - y[i];
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            z[i] = op.apply(x[i], y[i]);
          }
        }
      }
    } else {
      int[] ma = l.mapA;
      int[] mb = l.mapB;
      for (int i = 0; i < n; i++) {
        z[i] = op.apply(x[ma == null ? i : ma[i]], y[mb == null ? i : mb[i]]);
      }
    }
    if (!act.isNone()) {
      float lo = act.min();
      float hi = act.max();
      for (int i = 0; i < n; i++) {
        z[i] = Math.min(Math.max(z[i], lo), hi);
      }
    }
  }

  static Kernel compare(OpContext ctx, Compare op) {
    RuntimeTensor a = ctx.requireInput(0);
    RuntimeTensor b = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    if (a.type() != b.type()) {
      throw ctx.unsupported("mixed input types " + a.type().displayName() + " and " + b.type().displayName());
    }
    if (out.type() != DataType.BOOL) {
      throw ctx.invalid("must produce bool, not " + out.type().displayName());
    }
    if (a.type() == DataType.INT16) {
      throw ctx.unsupported("int16 inputs (TensorFlow Lite 2.6.2 compares no int16 tensors)");
    }
    Layout l = layout(ctx, a, b);
    if ((a.type() == DataType.INT8 || a.type() == DataType.UINT8) && op != Compare.AND && op != Compare.OR) {
      return QuantizedBinaryKernels.compare(ctx, op, l);
    }
    boolean isFloat = a.type() == DataType.FLOAT32;
    return () -> {
      byte[] z = out.bytes();
      for (int i = 0; i < l.size; i++) {
        int ia = l.mapA == null ? i : l.mapA[i];
        int ib = l.mapB == null ? i : l.mapB[i];
        boolean r = isFloat ? op.test(a.getFloat(ia), b.getFloat(ib)) : op.test(a.getLong(ia), b.getLong(ib));
        z[i] = (byte) (r ? 1 : 0);
      }
    };
  }
}
