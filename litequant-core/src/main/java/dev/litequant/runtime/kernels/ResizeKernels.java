package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.RESIZE_BILINEAR;
import static dev.litequant.graph.BuiltinOperator.RESIZE_NEAREST_NEIGHBOR;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR of NHWC images to a constant [height, width], with
 * TensorFlow Lite's coordinate rules, computed in float as it does (nearest neighbour copies the
 * codes of int8, uint8 and int16 images the same way; int8 and int16 bilinear use 2.6.2's integer
 * kernel, {@link #bilinearInteger}):
 *
 * <ul>
 *   <li>scale = in / out, or (in - 1) / (out - 1) with align_corners and out > 1;
 *   <li>bilinear: source = y * scale, or (y + 0.5) * scale - 0.5 with half_pixel_centers; the
 *       lower neighbour is max(floor, 0), the upper min(ceil, in - 1), and the weights come from
 *       the unclamped source, so a negative source extrapolates from row 0 to itself;
 *   <li>nearest: source = (y + offset) * scale with offset 0.5 under half_pixel_centers (TensorFlow
 *       Lite's quirk: no -0.5), rounded half away from zero with align_corners and floored
 *       otherwise, then clamped to in - 1 (and to 0 only under half_pixel_centers).
 * </ul>
 */
public final class ResizeKernels {
  private ResizeKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(RESIZE_BILINEAR, 4, ResizeKernels::bilinear);
    b.add(RESIZE_NEAREST_NEIGHBOR, 4, ResizeKernels::nearest);
  }

  /** A prepared resize: the geometry of one image, the same for every batch and channel. */
  public record ResizeParams(RuntimeTensor input, RuntimeTensor output, int batches, int inH, int inW,
      int channels, int outH, int outW, boolean alignCorners, boolean halfPixelCenters) {}

  /** Validates a resize of any element type and sets its output shape from the constant size. */
  public static ResizeParams prepare(OpContext ctx, String optionsTable, boolean positiveSize) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor size = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    if (in.rank() != 4) {
      throw ctx.invalid("needs a 4-D NHWC input, got " + in);
    }
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    if (size.type() != DataType.INT32 || size.rank() != 1 || size.size() != 2) {
      throw ctx.invalid("needs an int32 size of 2 elements, got " + size);
    }
    int[] hw = ctx.knownInts(1);
    if (positiveSize ? hw[0] <= 0 || hw[1] <= 0 : hw[0] < 0 || hw[1] < 0) {
      throw ctx.invalid("resizes to " + hw[0] + "x" + hw[1]);
    }
    Table o = ctx.options(optionsTable);
    ctx.setOutputShape(0, in.dim(0), hw[0], hw[1], in.dim(3));
    return new ResizeParams(in, out, in.dim(0), in.dim(1), in.dim(2), in.dim(3), hw[0], hw[1],
        o.getBool("align_corners"), o.getBool("half_pixel_centers"));
  }

  static Kernel bilinear(OpContext ctx) {
    ResizeParams p = prepare(ctx, "ResizeBilinearOptions", true);
    if (p.alignCorners() && p.halfPixelCenters()) {
      throw ctx.invalid("has both align_corners and half_pixel_centers; with half_pixel_centers, align_corners "
          + "must be false");
    }
    DataType type = p.input().type();
    if (type == DataType.INT8 || type == DataType.INT16) {
      return bilinearInteger(p);
    }
    requireFloat(ctx, p, "RESIZE_BILINEAR");
    Axis rows = Axis.bilinear(p.inH(), p.outH(), p.alignCorners(), p.halfPixelCenters());
    Axis cols = Axis.bilinear(p.inW(), p.outW(), p.alignCorners(), p.halfPixelCenters());
    return () -> runBilinear(p, rows, cols);
  }

  static Kernel nearest(OpContext ctx) {
    ResizeParams p = prepare(ctx, "ResizeNearestNeighborOptions", false);
    DataType type = p.input().type();
    if (type != DataType.FLOAT32 && type != DataType.INT8 && type != DataType.UINT8 && type != DataType.INT16) {
      throw ctx.unsupported(type.displayName() + " RESIZE_NEAREST_NEIGHBOR");
    }
    int[] rows = nearestSources(p.inH(), p.outH(), p.alignCorners(), p.halfPixelCenters());
    int[] cols = nearestSources(p.inW(), p.outW(), p.alignCorners(), p.halfPixelCenters());
    return () -> runNearest(p, rows, cols);
  }

  private static void requireFloat(OpContext ctx, ResizeParams p, String op) {
    if (p.input().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.input().type().displayName() + " " + op + " (only float32 so far)");
    }
  }

  /**
   * Bilinear sources along one axis: for output position {@code o}, the neighbours {@code lo[o]}
   * and {@code hi[o]} and the unclamped source coordinate {@code at[o]}.
   */
  public record Axis(int[] lo, int[] hi, float[] at) {
    public static Axis bilinear(int in, int out, boolean alignCorners, boolean halfPixelCenters) {
      float scale = alignCorners && out > 1 ? (float) (in - 1) / (out - 1) : (float) in / out;
      int[] lo = new int[out];
      int[] hi = new int[out];
      float[] at = new float[out];
      for (int o = 0; o < out; o++) {
        float v = halfPixelCenters ? (o + 0.5f) * scale - 0.5f : o * scale;
        at[o] = v;
        lo[o] = Math.max((int) Math.floor(v), 0);
        hi[o] = Math.min((int) Math.ceil(v), in - 1);
      }
      return new Axis(lo, hi, at);
    }
  }

  /** Nearest-neighbour source index for each output position along one axis. */
  public static int[] nearestSources(int in, int out, boolean alignCorners, boolean halfPixelCenters) {
    float scale = alignCorners && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
    float offset = halfPixelCenters ? 0.5f : 0f;
    int[] src = new int[out];
    for (int o = 0; o < out; o++) {
      float v = (o + offset) * scale;
      int s = Math.min(alignCorners ? (int) roundHalfAway(v) : (int) Math.floor(v), in - 1);
      src[o] = halfPixelCenters ? Math.max(0, s) : s;
    }
    return src;
  }

  /** C's {@code round}: halves go away from zero (Java's Math.round sends -0.5 up to 0). */
  static double roundHalfAway(float v) {
    return Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
  }

  /** The reference bilinear resize, with the four products in TensorFlow Lite's order. */
  public static void runBilinear(ResizeParams p, Axis rows, Axis cols) {
    float[] x = p.input().floats();
    float[] y = p.output().floats();
    int c = p.channels();
    int out = 0;
    for (int b = 0; b < p.batches(); b++) {
      int batchBase = b * p.inH();
      for (int oy = 0; oy < p.outH(); oy++) {
        int y0 = rows.lo()[oy];
        int y1 = rows.hi()[oy];
        float dy = rows.at()[oy] - y0;
        int row0 = (batchBase + y0) * p.inW();
        int row1 = (batchBase + y1) * p.inW();
        for (int ox = 0; ox < p.outW(); ox++) {
          int x0 = cols.lo()[ox];
          int x1 = cols.hi()[ox];
          float dx = cols.at()[ox] - x0;
          int i00 = (row0 + x0) * c;
          int i10 = (row1 + x0) * c;
          int i01 = (row0 + x1) * c;
          int i11 = (row1 + x1) * c;
          for (int ch = 0; ch < c; ch++) {
            y[out++] = x[i00 + ch] * (1 - dy) * (1 - dx)
                + x[i10 + ch] * dy * (1 - dx)
                + x[i01 + ch] * (1 - dy) * dx
                + x[i11 + ch] * dy * dx;
          }
        }
      }
    }
  }

  /**
   * RESIZE_BILINEAR on int8 and int16 codes ({@code int8-arithmetic.md} 3.12): 2.6.2's integer
   * kernel, with source coordinates in Q10 and the four weighted corners summed in 64 bits, rounded
   * half away from zero to the code (no requantization: the output shares the input's scale).
   */
  static Kernel bilinearInteger(ResizeParams p) {
    int[][] rows = integerAxis(p.inH(), p.outH(), p.alignCorners(), p.halfPixelCenters());
    int[][] cols = integerAxis(p.inW(), p.outW(), p.alignCorners(), p.halfPixelCenters());
    return () -> {
      Quantized.Codes x = Quantized.codes(p.input());
      Quantized.Codes y = Quantized.codes(p.output());
      int c = p.channels();
      int out = 0;
      for (int b = 0; b < p.batches(); b++) {
        for (int oy = 0; oy < p.outH(); oy++) {
          int y0 = rows[1][oy];
          int y1 = rows[2][oy];
          long dy = rows[0][oy] - 1024L * y0;
          for (int ox = 0; ox < p.outW(); ox++) {
            int x0 = cols[1][ox];
            int x1 = cols[2][ox];
            long dx = cols[0][ox] - 1024L * x0;
            int i00 = ((b * p.inH() + y0) * p.inW() + x0) * c;
            int i10 = ((b * p.inH() + y1) * p.inW() + x0) * c;
            int i01 = ((b * p.inH() + y0) * p.inW() + x1) * c;
            int i11 = ((b * p.inH() + y1) * p.inW() + x1) * c;
            for (int ch = 0; ch < c; ch++) {
              long v = x.get(i00 + ch) * (1024 - dy) * (1024 - dx)
                  + x.get(i10 + ch) * dy * (1024 - dx)
                  + x.get(i01 + ch) * (1024 - dy) * dx
                  + x.get(i11 + ch) * dy * dx;
              long round = v > 0 ? 1L << 19 : -(1L << 19);
              y.set(out++, (int) ((v + round) / (1L << 20)));
            }
          }
        }
      }
    };
  }

  /**
   * One axis of the integer bilinear resize: for each output position, the Q10 source coordinate
   * ({@code [0]}), and the lower and upper source indices ({@code [1]}, {@code [2]}), with C's
   * truncating division as 2.6.2 computes them.
   */
  static int[][] integerAxis(int in, int out, boolean alignCorners, boolean halfPixelCenters) {
    int scale = alignCorners && out > 1 ? ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1)
        : ((1 << 10) * in + out / 2) / out;
    int[][] r = new int[3][out];
    for (int o = 0; o < out; o++) {
      int v = halfPixelCenters ? o * scale + scale / 2 - (1 << 9) : o * scale;
      r[0][o] = v;
      r[1][o] = Math.max(v / (1 << 10), 0);
      r[2][o] = Math.min((v + (1 << 10) - 1) / (1 << 10), in - 1);
    }
    return r;
  }

  /**
   * A copy of whole pixels (all channels) from the chosen source positions, for any element type:
   * quantized codes are copied as they are, so the output shares the input's quantization.
   */
  public static void runNearest(ResizeParams p, int[] rows, int[] cols) {
    Object x = Elements.array(p.input());
    Object y = Elements.array(p.output());
    int c = p.channels();
    int out = 0;
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        int rowBase = (b * p.inH() + rows[oy]) * p.inW();
        for (int ox = 0; ox < p.outW(); ox++) {
          System.arraycopy(x, (rowBase + cols[ox]) * c, y, out, c);
          out += c;
        }
      }
    }
  }
}
