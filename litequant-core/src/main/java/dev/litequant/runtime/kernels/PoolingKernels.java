package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.AVERAGE_POOL_2D;
import static dev.litequant.graph.BuiltinOperator.L2_POOL_2D;
import static dev.litequant.graph.BuiltinOperator.MAX_POOL_2D;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Padding;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Locale;

/**
 * Reference kernels of AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D on NHWC float32 tensors, as
 * TensorFlow Lite computes them: windows placed like a convolution's ({@link ConvGeometry}), taps
 * outside the image skipped (so averages divide by the number of taps inside), then the fused
 * activation. AVERAGE and MAX also take int8, uint8 and int16 codes ({@link #quantized}).
 */
public final class PoolingKernels {
  private PoolingKernels() {}

  /** The three pooling reductions. */
  public enum Kind { AVERAGE, MAX, L2 }

  public static void register(KernelRegistry.Builder b) {
    b.add(AVERAGE_POOL_2D, 3, ctx -> pool(ctx, Kind.AVERAGE));
    b.add(MAX_POOL_2D, 3, ctx -> pool(ctx, Kind.MAX));
    b.add(L2_POOL_2D, 1, ctx -> pool(ctx, Kind.L2));
  }

  /** Everything a pooling kernel needs, computed once when the operator is prepared. */
  public record PoolParams(RuntimeTensor input, RuntimeTensor output, int batches, int inH, int inW,
      int channels, int outH, int outW, int filterH, int filterW, ConvGeometry rows, ConvGeometry cols,
      FusedActivations act) {}

  /** Validates a pooling operator of any element type and sets its output shape. */
  public static PoolParams prepare(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    if (in.rank() != 4) {
      throw ctx.invalid("needs a 4-D NHWC input, got " + in);
    }
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    Table o = ctx.options("Pool2DOptions");
    int strideH = o.getInt("stride_h");
    int strideW = o.getInt("stride_w");
    int filterH = o.getInt("filter_height");
    int filterW = o.getInt("filter_width");
    if (strideH < 1 || strideW < 1 || filterH < 1 || filterW < 1) {
      throw ctx.invalid("has strides " + strideH + "x" + strideW + " and filter " + filterH + "x" + filterW
          + "; all must be >= 1");
    }
    Padding pad = padding(ctx, o.getInt("padding"));
    ConvGeometry rows = ConvGeometry.of(pad, in.dim(1), filterH, strideH, 1);
    ConvGeometry cols = ConvGeometry.of(pad, in.dim(2), filterW, strideW, 1);
    if ((rows.out() == 0 && in.dim(1) > 0) || (cols.out() == 0 && in.dim(2) > 0)) {
      // TensorFlow Lite aborts on such models; the converter never writes them.
      throw ctx.invalid("has a " + filterH + "x" + filterW + " VALID window larger than its " + in.dim(1) + "x"
          + in.dim(2) + " input");
    }
    ctx.setOutputShape(0, in.dim(0), rows.out(), cols.out(), in.dim(3));
    return new PoolParams(in, out, in.dim(0), in.dim(1), in.dim(2), in.dim(3), rows.out(), cols.out(),
        filterH, filterW, rows, cols, FusedActivations.of(o.getInt("fused_activation_function")));
  }

  static Padding padding(OpContext ctx, int code) {
    if (code < 0 || code >= Padding.values().length) {
      throw ctx.invalid("has unknown padding code " + code);
    }
    return Padding.fromCode(code);
  }

  static Kernel pool(OpContext ctx, Kind kind) {
    PoolParams p = prepare(ctx);
    if (kind != Kind.L2 && Quantized.isQuantizedType(p.input().type())) {
      return quantized(ctx, p, kind);
    }
    if (p.input().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.input().type().displayName() + " " + kind.name().toLowerCase(Locale.ROOT)
          + " pooling (only float32 so far)");
    }
    return () -> runFloat(p, kind);
  }

  /**
   * AVERAGE_POOL_2D and MAX_POOL_2D on int8, uint8 and int16 codes ({@code int8-arithmetic.md} 3.9):
   * nothing is requantized, the average of the taps inside the image rounds half away from zero
   * ({@code (sum +- n/2) / n} with C's truncating division), and the fused activation clamps at
   * bounds quantized with the output's parameters. 2.6.2 assumes input and output share scale and
   * zero point (checked only in debug builds), so differing ones are not refused here either.
   */
  static Kernel quantized(OpContext ctx, PoolParams p, Kind kind) {
    RuntimeTensor out = p.output();
    Quantized.Params po = Quantized.params(ctx, out, "output");
    Quantized.params(ctx, p.input(), "input");
    Quantized.Range range = Quantized.activationRange(ctx,
        ctx.options("Pool2DOptions").getInt("fused_activation_function"), po, out.type());
    return () -> runQuantized(p, kind, range);
  }

  static void runQuantized(PoolParams p, Kind kind, Quantized.Range range) {
    Quantized.Codes x = Quantized.codes(p.input());
    Quantized.Codes y = Quantized.codes(p.output());
    int c = p.channels();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        int originY = p.rows().source(oy, 0);
        int yStart = Math.max(0, -originY);
        int yEnd = Math.min(p.filterH(), p.inH() - originY);
        for (int ox = 0; ox < p.outW(); ox++) {
          int originX = p.cols().source(ox, 0);
          int xStart = Math.max(0, -originX);
          int xEnd = Math.min(p.filterW(), p.inW() - originX);
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * c;
          int n = (yEnd - yStart) * (xEnd - xStart);
          for (int ch = 0; ch < c; ch++) {
            int acc = kind == Kind.MAX ? Integer.MIN_VALUE : 0;
            for (int fy = yStart; fy < yEnd; fy++) {
              int rowBase = (b * p.inH() + originY + fy) * p.inW();
              for (int fx = xStart; fx < xEnd; fx++) {
                int v = x.get((rowBase + originX + fx) * c + ch);
                acc = kind == Kind.MAX ? Math.max(acc, v) : acc + v;
              }
            }
            if (kind == Kind.AVERAGE) {
              acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
            }
            y.set(outBase + ch, range.clamp(acc));
          }
        }
      }
    }
  }

  /** The reference float pooling: one output element at a time over the taps inside the image. */
  public static void runFloat(PoolParams p, Kind kind) {
    float[] x = p.input().floats();
    float[] y = p.output().floats();
    int c = p.channels();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        int originY = p.rows().source(oy, 0);
        int yStart = Math.max(0, -originY);
        int yEnd = Math.min(p.filterH(), p.inH() - originY);
        for (int ox = 0; ox < p.outW(); ox++) {
          int originX = p.cols().source(ox, 0);
          int xStart = Math.max(0, -originX);
          int xEnd = Math.min(p.filterW(), p.inW() - originX);
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * c;
          for (int ch = 0; ch < c; ch++) {
            // MAX starts from the lowest float, like TensorFlow Lite, so NaN taps never win.
            float acc = kind == Kind.MAX ? -Float.MAX_VALUE : 0f;
            int count = 0;
            for (int fy = yStart; fy < yEnd; fy++) {
              int rowBase = (b * p.inH() + originY + fy) * p.inW();
              for (int fx = xStart; fx < xEnd; fx++) {
                float v = x[(rowBase + originX + fx) * c + ch];
                switch (kind) {
                  case AVERAGE -> acc += v;
                  case MAX -> acc = acc < v ? v : acc;
                  case L2 -> acc += v * v;
                }
                count++;
              }
            }
            float r = switch (kind) {
              case AVERAGE -> acc / count;
              case MAX -> acc;
              case L2 -> (float) Math.sqrt(acc / count);
            };
            y[outBase + ch] = p.act().apply(r);
          }
        }
      }
    }
  }
}
