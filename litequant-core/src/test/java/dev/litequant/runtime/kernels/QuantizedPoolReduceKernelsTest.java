package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedOracle.scale;
import static dev.litequant.runtime.kernels.QuantizedOracle.zeroPoint;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Quantized AVERAGE_POOL_2D / MAX_POOL_2D (int8, uint8, int16) and MEAN, SUM, REDUCE_MAX,
 * REDUCE_MIN (int8, uint8) against TensorFlow Lite 2.6.2, on random codes over the whole range.
 */
class QuantizedPoolReduceKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("quantized pooling and reductions");
  private static final FusedActivation[] ACTS = {
      FusedActivation.NONE, FusedActivation.RELU, FusedActivation.RELU6, FusedActivation.RELU_N1_TO_1};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model pool(BuiltinOperator op, DataType type, int[] in, Padding padding, int[] stride, int[] filter,
      FusedActivation act, float scale, int zp) {
    ConvGeometry rows = ConvGeometry.of(padding, in[1], filter[0], stride[0], 1);
    ConvGeometry cols = ConvGeometry.of(padding, in[2], filter[1], stride[1], 1);
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", type, scale, zp, in);
    Tensor y = QuantizedOracle.tensor(b, "y", type, scale, zp, in[0], rows.out(), cols.out(), in[3]);
    b.operator(op, PoolingKernelsTest.options(padding, stride[0], stride[1], filter[0], filter[1], act), List.of(x),
        List.of(y));
    return b.output(y).build();
  }

  @Test
  void poolingWindowsPaddingActivations() {
    Random r = new Random(1);
    int[][] shapes = {{1, 5, 7, 3}, {2, 8, 8, 2}, {1, 6, 5, 1}, {1, 9, 4, 4}, {1, 20, 20, 2}};
    int[][] filters = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {4, 5}, {17, 17}};
    int[][] strides = {{1, 1}, {2, 2}, {3, 1}};
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D}) {
      for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16}) {
        for (Padding padding : Padding.values()) {
          for (int[] f : filters) {
            for (int[] s : strides) {
              int[] shape = f[0] > 9 ? shapes[4] : shapes[n % 4];
              if (padding == Padding.VALID && (f[0] > shape[1] || f[1] > shape[2])) {
                continue;
              }
              FusedActivation act = ACTS[n % ACTS.length];
              // Scales around 1/20 put the RELU6 and RELU_N1_TO_1 bounds inside the code range.
              float sc = type == DataType.INT16 ? scale(r, 1e-4, 1e-3) : scale(r, 0.01, 0.1);
              Model m = pool(op, type, shape, padding, s, f, act, sc, zeroPoint(r, type));
              ORACLE.checkRandom(op + " " + type + " " + padding + " " + Shapes.str(shape) + " filter " + f[0] + "x"
                  + f[1] + " stride " + s[0] + "x" + s[1] + " " + act, m, n);
              n++;
            }
          }
        }
      }
    }
  }

  static Model reduce(BuiltinOperator op, DataType type, int[] in, int[] axes, boolean keepDims, float si, int zi,
      float so, int zo) {
    boolean[] reduced = new boolean[in.length];
    for (int a : axes) {
      reduced[a < 0 ? a + in.length : a] = true;
    }
    int rank = 0;
    for (int d = 0; d < in.length; d++) {
      rank += keepDims || !reduced[d] ? 1 : 0;
    }
    int[] out = new int[rank];
    for (int d = 0, k = 0; d < in.length; d++) {
      if (reduced[d]) {
        if (keepDims) {
          out[k++] = 1;
        }
      } else {
        out[k++] = in[d];
      }
    }
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", type, si, zi, in);
    Tensor ax = b.constantInts("axes", axes, axes.length);
    Tensor y = QuantizedOracle.tensor(b, "y", type, so, zo, out);
    b.operator(op, Table.of("ReducerOptions").with("keep_dims", keepDims), List.of(x, ax), List.of(y));
    return b.output(y).build();
  }

  /** Shapes and axes that reach each of MEAN's three paths (and SUM's two). */
  private static final Object[][] REDUCTIONS = {
      {new int[] {2, 5, 7, 3}, new int[] {1, 2}, true},
      {new int[] {2, 5, 7, 3}, new int[] {2, 1}, true},
      {new int[] {1, 6, 6, 4}, new int[] {-3, -2}, true},
      {new int[] {1, 16, 16, 2}, new int[] {1, 2}, true},
      {new int[] {2, 5, 7, 3}, new int[] {1, 2}, false},
      {new int[] {2, 5, 7, 3}, new int[] {1}, true},
      {new int[] {2, 5, 7, 3}, new int[] {3}, false},
      {new int[] {2, 5, 7, 3}, new int[] {0, 3}, true},
      {new int[] {5, 7, 3}, new int[] {0, 1}, true},
      {new int[] {4, 9}, new int[] {-1}, false},
      {new int[] {3, 50}, new int[] {1}, true},
  };

  @Test
  void meanAllThreePaths() {
    Random r = new Random(2);
    int n = 0;
    for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
      for (Object[] c : REDUCTIONS) {
        for (int variant = 0; variant < 3; variant++) {
          float si = scale(r, 1e-3, 0.5);
          int zi = zeroPoint(r, type);
          // Variant 0: equal input and output parameters; else output scale within a factor 3.
          float so = variant == 0 ? si : si * scale(r, 0.3, 3);
          int zo = variant == 0 ? zi : zeroPoint(r, type);
          Model m = reduce(BuiltinOperator.MEAN, type, (int[]) c[0], (int[]) c[1], (boolean) c[2], si, zi, so, zo);
          ORACLE.checkRandom("MEAN " + type + " " + Shapes.str((int[]) c[0]) + " axes " + Shapes.str((int[]) c[1])
              + " keep " + c[2] + " variant " + variant, m, n++);
        }
      }
    }
  }

  @Test
  void sumRescaledAndRaw() {
    Random r = new Random(3);
    int n = 0;
    for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
      for (Object[] c : REDUCTIONS) {
        for (int variant = 0; variant < 3; variant++) {
          float si = scale(r, 1e-3, 0.5);
          int zi = zeroPoint(r, type);
          int count = 1;
          for (int a : (int[]) c[1]) {
            count *= ((int[]) c[0])[a < 0 ? a + ((int[]) c[0]).length : a];
          }
          // The sum's range is about sqrt(count) times the input's for random codes; variant 2
          // leaves it too narrow, so results overflow the 8-bit codes.
          float so = variant == 0 ? si : si * (float) Math.sqrt(count) * scale(r, variant == 1 ? 0.7 : 0.05, 2);
          int zo = variant == 0 ? zi : zeroPoint(r, type);
          Model m = reduce(BuiltinOperator.SUM, type, (int[]) c[0], (int[]) c[1], (boolean) c[2], si, zi, so, zo);
          ORACLE.checkRandom("SUM " + type + " " + Shapes.str((int[]) c[0]) + " axes " + Shapes.str((int[]) c[1])
              + " keep " + c[2] + " variant " + variant, m, n++);
        }
      }
    }
  }

  @Test
  void reduceMaxMin() {
    Random r = new Random(4);
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN}) {
      for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
        for (Object[] c : REDUCTIONS) {
          float s = scale(r, 1e-3, 0.5);
          int z = zeroPoint(r, type);
          Model m = reduce(op, type, (int[]) c[0], (int[]) c[1], (boolean) c[2], s, z, s, z);
          ORACLE.checkRandom(op + " " + type + " " + Shapes.str((int[]) c[0]) + " axes " + Shapes.str((int[]) c[1]), m,
              n++);
        }
      }
    }
  }
}
