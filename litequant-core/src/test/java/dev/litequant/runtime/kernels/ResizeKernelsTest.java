package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ResizeKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("resize");
  private static final int[][] INPUTS = {{1, 4, 5, 2}, {2, 3, 3, 1}, {1, 1, 1, 3}, {1, 7, 3, 2}, {1, 6, 8, 1}};
  /** Up, down, same, odd, 1x1, mixed, exact 2x, and 3x sizes, paired with the inputs above. */
  private static final int[][] SIZES = {{8, 10}, {2, 3}, {4, 5}, {5, 7}, {1, 1}, {3, 8}, {12, 16}, {9, 2}, {13, 11}};
  /** align_corners, half_pixel_centers. */
  private static final boolean[][] FLAGS = {{false, false}, {true, false}, {false, true}, {true, true}};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model resize(BuiltinOperator op, int[] in, int[] size, boolean align, boolean half) {
    String table = op == BuiltinOperator.RESIZE_BILINEAR ? "ResizeBilinearOptions" : "ResizeNearestNeighborOptions";
    Table o = Table.of(table).with("align_corners", align).with("half_pixel_centers", half);
    return KernelOracle.singleOp(op, half ? 3 : 1, o, DataType.FLOAT32, new int[] {in[0], size[0], size[1], in[3]},
        b -> List.of(b.input("x", DataType.FLOAT32, in), b.constantInts("size", size, 2)));
  }

  @Test
  void everySizeAndCoordinateModeMatchesTfLite() {
    long seed = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {
        BuiltinOperator.RESIZE_BILINEAR, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR}) {
      for (int[] in : INPUTS) {
        for (int[] size : SIZES) {
          for (boolean[] f : FLAGS) {
            if (op == BuiltinOperator.RESIZE_BILINEAR && f[0] && f[1]) {
              continue; // refused by both, below
            }
            String label = op + " " + Shapes.str(in) + " -> " + Shapes.str(size) + " align_corners " + f[0]
                + " half_pixel_centers " + f[1];
            ORACLE.check(label, resize(op, in, size, f[0], f[1]), seed++, -4f, 4f);
          }
        }
      }
    }
  }

  /**
   * Nearest-neighbour sources are float products that land on or next to .5 and integers for some
   * sizes; on an integer ramp every wrongly rounded or clamped index is a difference of at least 1.
   */
  @Test
  void nearestNeighbourPicksTheSamePixelsOnARamp() {
    int[][] pairs = {{3, 6}, {5, 2}, {4, 7}, {7, 4}, {2, 5}, {6, 9}, {9, 6}, {10, 3}, {3, 10}, {1, 4}};
    for (int[] p : pairs) {
      for (boolean[] f : FLAGS) {
        int[] in = {1, p[0], p[0], 1};
        float[] ramp = new float[p[0] * p[0]];
        for (int i = 0; i < ramp.length; i++) {
          ramp[i] = i;
        }
        String label = "RESIZE_NEAREST_NEIGHBOR ramp " + p[0] + " -> " + p[1] + " align " + f[0] + " half " + f[1];
        ORACLE.check(label, resize(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, in, new int[] {p[1], p[1]}, f[0], f[1]),
            List.of(TensorValue.ofFloats(Shape.of(in), ramp)));
      }
    }
  }

  @Test
  void bilinearWithBothFlagsIsRefusedByBoth() {
    Model m = resize(BuiltinOperator.RESIZE_BILINEAR, new int[] {1, 3, 4, 1}, new int[] {5, 7}, true, true);
    var e = ORACLE.checkRefused("bilinear align+half", m, InvalidModelException.class);
    assertTrue(e.getMessage().contains("half_pixel_centers"), e.getMessage());
  }

  @Test
  void bilinearToZeroSizeIsRefusedByBoth() {
    Model m = resize(BuiltinOperator.RESIZE_BILINEAR, new int[] {1, 3, 4, 1}, new int[] {0, 7}, false, false);
    var e = ORACLE.checkRefused("bilinear to 0x7", m, InvalidModelException.class);
    assertTrue(e.getMessage().contains("0x7"), e.getMessage());
  }
}
