package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedOracle.allCodes;
import static dev.litequant.runtime.kernels.QuantizedOracle.codes;
import static dev.litequant.runtime.kernels.QuantizedOracle.scale;
import static dev.litequant.runtime.kernels.QuantizedOracle.zeroPoint;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Quantized SOFTMAX (int8/uint8 inputs; int8, uint8 and int16 outputs), LOG_SOFTMAX (int8), L2_NORMALIZATION (int8,
 * uint8) and RESIZE_BILINEAR (int8,
 * int16) / RESIZE_NEAREST_NEIGHBOR (int8, uint8, int16) against TensorFlow Lite 2.6.2.
 */
class QuantizedSoftmaxResizeKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("quantized softmax and resize");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model softmax(DataType in, DataType out, int[] shape, float si, int zi, float so, int zo, float beta) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", in, si, zi, shape);
    Tensor y = QuantizedOracle.tensor(b, "y", out, so, zo, shape);
    b.operator(BuiltinOperator.SOFTMAX, Table.of("SoftmaxOptions").with("beta", beta), List.of(x), List.of(y));
    return b.output(y).build();
  }

  /** Output parameters per output type: the converter's, and some others. */
  static float[][] outputs(DataType in, DataType out, Random r) {
    return switch (out) {
      // 2.6.2 requires 1/256 within 0.1% and -128 for int8 -> int8.
      case INT8 -> new float[][] {{1 / 256f, -128}, {1.0007f / 256, -128}};
      case UINT8 -> new float[][] {{1 / 256f, 0}, {scale(r, 1 / 512.0, 1 / 64.0), 37}};
      default -> new float[][] {{1 / 32768f, 0}, {1 / 65536f, -32768}, {scale(r, 1e-5, 1e-4), 1000}};
    };
  }

  @Test
  void softmaxRowsAndBetas() {
    Random r = new Random(1);
    int[][] shapes = {{1, 1}, {3, 5}, {2, 3, 10}, {4, 40}, {1, 2, 2, 17}};
    DataType[][] types = {{DataType.INT8, DataType.INT8}, {DataType.UINT8, DataType.UINT8},
        {DataType.INT8, DataType.INT16}, {DataType.UINT8, DataType.INT16}};
    int n = 0;
    for (DataType[] t : types) {
      for (float[] o : outputs(t[0], t[1], r)) {
        for (int[] shape : shapes) {
          float beta = n % 3 == 0 ? 1f : (float) (0.2 + 2 * r.nextDouble());
          float si = scale(r, 0.01, 0.5);
          Model m = softmax(t[0], t[1], shape, si, zeroPoint(r, t[0]), o[0], (int) o[1], beta);
          ORACLE.checkRandom("SOFTMAX " + t[0] + "->" + t[1] + " " + Shapes.str(shape) + " out (" + o[0] + ", "
              + (int) o[1] + ") beta " + beta + " s_in " + si, m, n++);
        }
        // One row holding every code: the whole table is used.
        float si = scale(r, 0.01, 0.1);
        Model m = softmax(t[0], t[1], new int[] {1, 256}, si, 0, o[0], (int) o[1], 1f);
        ORACLE.check("SOFTMAX " + t[0] + "->" + t[1] + " all codes", m,
            List.of(codes(t[0], new int[] {1, 256}, allCodes(t[0]))));
      }
    }
  }

  @Test
  void int8SoftmaxOutputParametersAreChecked() {
    KernelOracle refusals = new KernelOracle("softmax");
    refusals.checkRefused("int8 softmax zero point 0", softmax(DataType.INT8, DataType.INT8, new int[] {2, 5}, 0.05f,
        0, 1 / 256f, 0, 1f), dev.litequant.InvalidModelException.class);
    refusals.checkRefused("int8 softmax scale 1/200", softmax(DataType.INT8, DataType.INT8, new int[] {2, 5}, 0.05f,
        0, 1 / 200f, -128, 1f), dev.litequant.InvalidModelException.class);
  }

  static Model l2Norm(DataType type, int[] shape, float si, int zi) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", type, si, zi, shape);
    Tensor y = QuantizedOracle.tensor(b, "y", type, 1 / 128f, type == DataType.INT8 ? 0 : 128, shape);
    b.operator(BuiltinOperator.L2_NORMALIZATION, Table.of("L2NormOptions"), List.of(x), List.of(y));
    return b.output(y).build();
  }

  @Test
  void l2NormalizationRows() {
    Random r = new Random(3);
    int[][] shapes = {{4, 1}, {3, 2}, {5, 7}, {2, 3, 30}, {1, 2, 2, 300}};
    int n = 0;
    for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
      for (int[] shape : shapes) {
        for (int set = 0; set < 3; set++) {
          Model m = l2Norm(type, shape, scale(r, 1e-3, 0.5), zeroPoint(r, type));
          ORACLE.checkRandom("L2_NORMALIZATION " + type + " " + Shapes.str(shape) + " set " + set, m, n++);
        }
      }
      // Rows whose squares sum to 0, 1, 2 and 4 (the special cases and the smallest inputs), and a
      // row long enough that the sum passes 2^29.
      int zp = type == DataType.INT8 ? 3 : 130;
      int[] small = {zp, zp, zp, zp + 1, zp, zp, zp - 1, zp + 1, zp, zp - 2, zp, zp};
      ORACLE.check("L2_NORMALIZATION " + type + " tiny rows", l2Norm(type, new int[] {4, 3}, 0.1f, zp),
          List.of(codes(type, new int[] {4, 3}, small)));
      int[] big = new int[10000];
      for (int i = 0; i < big.length; i++) {
        big[i] = i % 2 == 0 ? Quantized.max(type) : Quantized.min(type);
      }
      ORACLE.check("L2_NORMALIZATION " + type + " long row", l2Norm(type, new int[] {1, 10000}, 0.1f, zp),
          List.of(codes(type, new int[] {1, 10000}, big)));
    }
  }

  @Test
  void logSoftmaxInt8() {
    Random r = new Random(4);
    int[][] shapes = {{1, 1}, {3, 5}, {2, 3, 10}, {4, 40}, {1, 2, 2, 17}, {2, 300}};
    int n = 0;
    for (int[] shape : shapes) {
      for (int set = 0; set < 4; set++) {
        // Input scales from tiny (every difference within the radius) to large (most outputs -128).
        float si = scale(r, 0.005, 2);
        ModelBuilder b = new ModelBuilder();
        Tensor x = QuantizedOracle.input(b, "x", DataType.INT8, si, zeroPoint(r, DataType.INT8), shape);
        Tensor y = QuantizedOracle.tensor(b, "y", DataType.INT8, 16 / 256f, 127, shape);
        b.operator(BuiltinOperator.LOG_SOFTMAX, null, List.of(x), List.of(y));
        ORACLE.checkRandom("LOG_SOFTMAX int8 " + Shapes.str(shape) + " s_in " + si, b.output(y).build(), n++);
      }
    }
    ModelBuilder wrong = new ModelBuilder();
    Tensor wx = QuantizedOracle.input(wrong, "x", DataType.INT8, 0.1f, 0, 2, 5);
    Tensor wy = QuantizedOracle.tensor(wrong, "y", DataType.INT8, 16 / 256f, 0, 2, 5);
    wrong.operator(BuiltinOperator.LOG_SOFTMAX, null, List.of(wx), List.of(wy));
    new KernelOracle("log softmax").checkRefused("LOG_SOFTMAX output zero point 0", wrong.output(wy).build(),
        dev.litequant.InvalidModelException.class);
    for (float si : new float[] {0.01f, 0.05f, 0.1f, 0.5f}) {
      ModelBuilder b = new ModelBuilder();
      Tensor x = QuantizedOracle.input(b, "x", DataType.INT8, si, 0, 1, 256);
      Tensor y = QuantizedOracle.tensor(b, "y", DataType.INT8, 16 / 256f, 127, 1, 256);
      b.operator(BuiltinOperator.LOG_SOFTMAX, null, List.of(x), List.of(y));
      ORACLE.check("LOG_SOFTMAX int8 all codes s_in " + si, b.output(y).build(),
          List.of(codes(DataType.INT8, new int[] {1, 256}, allCodes(DataType.INT8))));
    }
  }

  static Model resize(BuiltinOperator op, DataType type, int[] in, int outH, int outW, boolean align, boolean half,
      float s, int zp) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "x", type, s, zp, in);
    Tensor size = b.constantInts("size", new int[] {outH, outW}, 2);
    Tensor y = QuantizedOracle.tensor(b, "y", type, s, zp, in[0], outH, outW, in[3]);
    String options = op == BuiltinOperator.RESIZE_BILINEAR ? "ResizeBilinearOptions" : "ResizeNearestNeighborOptions";
    b.operator(op, Table.of(options).with("align_corners", align).with("half_pixel_centers", half), List.of(x, size),
        List.of(y));
    return b.output(y).build();
  }

  @Test
  void resizeSizesAndCoordinateModes() {
    Random r = new Random(2);
    int[][] in = {{1, 4, 5, 3}, {2, 7, 3, 2}, {1, 1, 1, 2}, {1, 10, 10, 1}};
    int[][] out = {{8, 10}, {3, 2}, {5, 7}, {1, 1}, {13, 4}, {10, 10}};
    boolean[][] modes = {{false, false}, {true, false}, {false, true}};
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.RESIZE_BILINEAR,
        BuiltinOperator.RESIZE_NEAREST_NEIGHBOR}) {
      DataType[] types = op == BuiltinOperator.RESIZE_BILINEAR ? new DataType[] {DataType.INT8, DataType.INT16}
          : new DataType[] {DataType.INT8, DataType.UINT8, DataType.INT16};
      for (DataType type : types) {
        for (int[] shape : in) {
          for (int[] size : out) {
            for (boolean[] mode : modes) {
              Model m = resize(op, type, shape, size[0], size[1], mode[0], mode[1], scale(r, 1e-3, 0.1),
                  zeroPoint(r, type));
              ORACLE.checkRandom(op + " " + type + " " + Shapes.str(shape) + " -> " + size[0] + "x" + size[1]
                  + (mode[0] ? " align_corners" : "") + (mode[1] ? " half_pixel_centers" : ""), m, n++);
            }
          }
        }
      }
    }
  }
}
