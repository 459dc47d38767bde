package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ReductionKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("reductions");
  private static final BuiltinOperator[] NUMERIC = {BuiltinOperator.MEAN, BuiltinOperator.SUM,
      BuiltinOperator.REDUCE_PROD, BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN};
  /** Input shapes, each with axis lists to reduce over (negative, repeated, empty, all). */
  private static final int[][] SHAPES = {{2, 3, 4, 5}, {3, 4}, {6}, {2, 1, 3}};
  private static final int[][][] AXES = {
      {{1}, {-1}, {0, 2}, {1, 2}, {2, 1}, {2, -3}, {1, 1}, {1, -3}, {}, {0, 1, 2, 3}, {3, 0, -2}},
      {{0}, {1}, {-2}, {0, 1}, {-1, -1}, {}},
      {{0}, {-1}, {0, 0}, {}},
      {{1}, {0, 2}, {-1, 1}, {2, 0, 1}}};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  /** The output shape as TensorFlow Lite defines it (checked against TensorFlow Lite's own). */
  static int[] reducedShape(int[] in, int[] axes, boolean keepDims) {
    boolean[] reduced = new boolean[in.length];
    for (int a : axes) {
      reduced[a < 0 ? a + in.length : a] = true;
    }
    List<Integer> out = new ArrayList<>();
    for (int d = 0; d < in.length; d++) {
      if (!reduced[d]) {
        out.add(in[d]);
      } else if (keepDims) {
        out.add(1);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  static Model reduce(BuiltinOperator op, DataType type, int[] in, int[] axes, boolean keepDims) {
    return KernelOracle.singleOp(op, 1, Table.of("ReducerOptions").with("keep_dims", keepDims), type,
        reducedShape(in, axes, keepDims),
        b -> List.of(b.input("x", type, in), b.constantInts("axes", axes, axes.length)));
  }

  @Test
  void floatReductionsOverEveryAxisCombination() {
    long seed = 0;
    for (BuiltinOperator op : NUMERIC) {
      for (int s = 0; s < SHAPES.length; s++) {
        for (int[] axes : AXES[s]) {
          for (boolean keep : new boolean[] {false, true}) {
            String label = op + " float32 " + Shapes.str(SHAPES[s]) + " axes " + Shapes.str(axes) + " keep " + keep;
            // Products of many factors stay moderate in [0.6, 1.4); the sign still varies below.
            float lo = op == BuiltinOperator.REDUCE_PROD ? 0.6f : -3f;
            float hi = op == BuiltinOperator.REDUCE_PROD ? 1.4f : 3f;
            ORACLE.check(label, reduce(op, DataType.FLOAT32, SHAPES[s], axes, keep), seed++, lo, hi);
          }
        }
      }
    }
  }

  @Test
  void scalarInputsReduceToThemselves() {
    long seed = 900;
    for (BuiltinOperator op : NUMERIC) {
      for (int[] axes : new int[][] {{}, {0}}) {
        Model m = KernelOracle.singleOp(op, 1, Table.of("ReducerOptions"), DataType.FLOAT32, new int[0],
            b -> List.of(b.input("x", DataType.FLOAT32), b.constantInts("axes", axes, axes.length)));
        ORACLE.check(op + " scalar axes " + Shapes.str(axes), m, seed++, -3f, 3f);
      }
    }
  }

  @Test
  void negativeFactorsInFloatProducts() {
    Model m = reduce(BuiltinOperator.REDUCE_PROD, DataType.FLOAT32, new int[] {4, 6}, new int[] {1}, false);
    ORACLE.check("REDUCE_PROD signs", m, 3, -1.5f, 1.5f);
  }

  @Test
  void integerReductionsWrapAndTruncateLikeTfLite() {
    Random r = new Random(42);
    for (BuiltinOperator op : NUMERIC) {
      for (DataType type : new DataType[] {DataType.INT32, DataType.INT64}) {
        for (int s = 0; s < SHAPES.length; s++) {
          for (int[] axes : AXES[s]) {
            boolean keep = r.nextBoolean();
            // Small factors keep products exact; MEAN of negative sums checks truncation toward zero.
            int bound = op == BuiltinOperator.REDUCE_PROD ? 3 : 50;
            TensorValue x = type == DataType.INT32 ? KernelOracle.randomInts(r, -bound, bound, SHAPES[s])
                : KernelOracle.randomLongs(r, -bound, bound, SHAPES[s]);
            String label = op + " " + type.displayName() + " " + Shapes.str(SHAPES[s]) + " axes "
                + Shapes.str(axes) + " keep " + keep;
            ORACLE.check(label, reduce(op, type, SHAPES[s], axes, keep), List.of(x));
          }
        }
      }
    }
  }

  @Test
  void maxAndMinSkipNaNAndStartFromTheFiniteExtremes() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] v = {nan, 1f, -2f, nan, -inf, -inf, inf, inf, 3f, nan, nan, nan};
    TensorValue x = TensorValue.ofFloats(Shape.of(6, 2), v);
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN}) {
      ORACLE.check(op + " NaN/inf rows", reduce(op, DataType.FLOAT32, new int[] {6, 2}, new int[] {1}, false),
          List.of(x));
      ORACLE.check(op + " NaN/inf columns", reduce(op, DataType.FLOAT32, new int[] {6, 2}, new int[] {0}, true),
          List.of(x));
    }
  }

  @Test
  void anyAndAllOnBool() {
    long seed = 100;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.REDUCE_ANY, BuiltinOperator.REDUCE_ALL}) {
      for (int s = 0; s < SHAPES.length; s++) {
        for (int[] axes : AXES[s]) {
          boolean keep = (seed & 1) == 0;
          String label = op + " " + Shapes.str(SHAPES[s]) + " axes " + Shapes.str(axes) + " keep " + keep;
          ORACLE.check(label, reduce(op, DataType.BOOL, SHAPES[s], axes, keep), seed++, 0, 1);
        }
      }
    }
  }

  static Model arg(BuiltinOperator op, DataType in, DataType out, int[] shape, int axis, DataType axisType) {
    int rank = shape.length;
    int a = axis < 0 ? axis + rank : axis;
    int[] outShape = new int[rank - 1];
    for (int d = 0, k = 0; d < rank; d++) {
      if (d != a) {
        outShape[k++] = shape[d];
      }
    }
    String table = op == BuiltinOperator.ARG_MAX ? "ArgMaxOptions" : "ArgMinOptions";
    return KernelOracle.singleOp(op, 1, Table.of(table).with("output_type", out.code()), out, outShape, b -> {
      var axisTensor = axisType == DataType.INT32 ? b.constantInts("axis", new int[] {axis}, 1)
          : b.constant("axis", DataType.INT64, Buffer.ofLongs(axis), 1);
      return List.of(b.input("x", in, shape), axisTensor);
    });
  }

  @Test
  void argMaxAndArgMinTakeTheFirstIndexOnTies() {
    Random r = new Random(7);
    int[][] shapes = {{2, 3, 4, 5}, {7}, {3, 9}, {1, 4, 1, 6}};
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.ARG_MAX, BuiltinOperator.ARG_MIN}) {
      for (DataType in : new DataType[] {DataType.FLOAT32, DataType.INT32}) {
        for (int[] shape : shapes) {
          for (int axis = -shape.length; axis < shape.length; axis++) {
            DataType out = (axis & 1) == 0 ? DataType.INT32 : DataType.INT64;
            DataType axisType = r.nextBoolean() ? DataType.INT32 : DataType.INT64;
            // Few distinct values, so ties are common.
            TensorValue x;
            if (in == DataType.FLOAT32) {
              float[] v = new float[Shapes.size(shape)];
              for (int i = 0; i < v.length; i++) {
                v[i] = (r.nextInt(5) - 2) * 0.5f;
              }
              x = TensorValue.ofFloats(Shape.of(shape), v);
            } else {
              x = KernelOracle.randomInts(r, -2, 2, shape);
            }
            String label = op + " " + in.displayName() + " " + Shapes.str(shape) + " axis " + axis + " -> "
                + out.displayName();
            ORACLE.check(label, arg(op, in, out, shape, axis, axisType), List.of(x));
          }
        }
      }
    }
  }

  @Test
  void refusalsNameTheProblem() {
    Model outOfRange = reduce(BuiltinOperator.SUM, DataType.FLOAT32, new int[] {2, 3}, new int[] {0}, false);
    outOfRange.mainSubgraph().tensors().get(1).setBuffer(Buffer.ofInts(2));
    var e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(outOfRange, InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("axis 2") && e.getMessage().contains("rank 2"), e.getMessage());

    Model anyOnFloat = reduce(BuiltinOperator.REDUCE_ANY, DataType.FLOAT32, new int[] {2, 3}, new int[] {0}, false);
    var u = ORACLE.checkRefused("REDUCE_ANY float", anyOnFloat, UnsupportedModelException.class);
    assertTrue(u.getMessage().contains("float32"), u.getMessage());

    Model badOutputType = arg(BuiltinOperator.ARG_MAX, DataType.FLOAT32, DataType.INT32, new int[] {2, 3}, 1,
        DataType.INT32);
    badOutputType.mainSubgraph().operators().get(0).setOptions(Table.of("ArgMaxOptions").with("output_type",
        DataType.INT64.code()));
    var i = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(badOutputType, InterpreterOptions.referenceKernels()));
    assertTrue(i.getMessage().contains("int64") && i.getMessage().contains("int32"), i.getMessage());
  }
}
