package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.CONV_2D;
import static dev.litequant.graph.BuiltinOperator.DEPTHWISE_CONV_2D;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Padding;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Reference float kernels of CONV_2D and DEPTHWISE_CONV_2D (NHWC, any stride and dilation); int8
 * inputs go to {@link QuantizedConvolutionKernels}, int16 (16x8) inputs to {@link
 * Int16ConvolutionKernels}, float inputs with int8 filters to {@link HybridConvolutionKernels}.
 */
public final class ConvolutionKernels {
  private ConvolutionKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(CONV_2D, 5, ConvolutionKernels::conv2d);
    b.add(DEPTHWISE_CONV_2D, 6, ConvolutionKernels::depthwise);
  }

  /**
   * Everything a 2-D convolution needs, computed once when the operator is prepared; {@code act}
   * is the float clamp of {@code activation}, the fused activation code.
   */
  public record ConvParams(
      RuntimeTensor input, RuntimeTensor filter, RuntimeTensor bias, RuntimeTensor output,
      int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
      ConvGeometry rows, ConvGeometry cols, int depthMultiplier, int activation, FusedActivations act) {}

  /** Validates and prepares a float CONV_2D; shared with the fast kernel. */
  public static ConvParams prepareConv(OpContext ctx) {
    ctx.requireType(0, DataType.FLOAT32);
    RuntimeTensor filter = ctx.requireInput(1);
    if (filter.type() != DataType.FLOAT32) {
      throw ctx.unsupported(filter.type().displayName() + " filter (hybrid or quantized convolution)");
    }
    return requireFloatBias(ctx, convGeometry(ctx));
  }

  /** Validates and prepares a float DEPTHWISE_CONV_2D; shared with the fast kernel. */
  public static ConvParams prepareDepthwise(OpContext ctx) {
    ctx.requireType(0, DataType.FLOAT32);
    RuntimeTensor filter = ctx.requireInput(1);
    if (filter.type() != DataType.FLOAT32) {
      throw ctx.unsupported(filter.type().displayName() + " filter (hybrid or quantized convolution)");
    }
    return requireFloatBias(ctx, depthwiseGeometry(ctx));
  }

  private static ConvParams requireFloatBias(OpContext ctx, ConvParams p) {
    if (p.bias() != null && p.bias().type() != DataType.FLOAT32) {
      throw ctx.invalid("has bias " + p.bias() + " for " + p.outC() + " output channels");
    }
    return p;
  }

  /** Shapes and options of a CONV_2D of any element type; sets the output shape. */
  static ConvParams convGeometry(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor filter = ctx.requireInput(1);
    RuntimeTensor bias = ctx.input(2);
    Table o = ctx.options("Conv2DOptions");
    if (in.rank() != 4 || filter.rank() != 4) {
      throw ctx.invalid("needs 4-D input and filter, got " + in + " and " + filter);
    }
    int inC = in.dim(3);
    if (filter.dim(3) != inC) {
      throw ctx.unsupported("grouped convolution (filter " + filter + " on input " + in + ")");
    }
    return params(ctx, in, filter, bias, o.getInt("padding"), o.getInt("stride_h"), o.getInt("stride_w"),
        o.getInt("dilation_h_factor"), o.getInt("dilation_w_factor"), o.getInt("fused_activation_function"),
        filter.dim(0), filter.dim(1), filter.dim(2), 1);
  }

  /** Shapes and options of a DEPTHWISE_CONV_2D of any element type; sets the output shape. */
  static ConvParams depthwiseGeometry(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor filter = ctx.requireInput(1);
    RuntimeTensor bias = ctx.input(2);
    Table o = ctx.options("DepthwiseConv2DOptions");
    if (in.rank() != 4 || filter.rank() != 4 || filter.dim(0) != 1) {
      throw ctx.invalid("needs a 4-D input and a [1, H, W, C] filter, got " + in + " and " + filter);
    }
    int outC = filter.dim(3);
    if (outC % in.dim(3) != 0) {
      throw ctx.invalid("has " + outC + " output channels, not a multiple of the " + in.dim(3) + " input channels");
    }
    return params(ctx, in, filter, bias, o.getInt("padding"), o.getInt("stride_h"), o.getInt("stride_w"),
        o.getInt("dilation_h_factor"), o.getInt("dilation_w_factor"), o.getInt("fused_activation_function"),
        outC, filter.dim(1), filter.dim(2), outC / in.dim(3));
  }

  private static ConvParams params(OpContext ctx, RuntimeTensor in, RuntimeTensor filter, RuntimeTensor bias,
      int padding, int strideH, int strideW, int dilH, int dilW, int act, int outC, int kh, int kw, int dm) {
    if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1) {
      throw ctx.invalid("has strides " + strideH + "x" + strideW + " and dilations " + dilH + "x" + dilW
          + "; all must be >= 1");
    }
    if (bias != null && bias.size() != outC) {
      throw ctx.invalid("has bias " + bias + " for " + outC + " output channels");
    }
    Padding pad = Padding.fromCode(padding);
    ConvGeometry rows = ConvGeometry.of(pad, in.dim(1), kh, strideH, dilH);
    ConvGeometry cols = ConvGeometry.of(pad, in.dim(2), kw, strideW, dilW);
    ctx.setOutputShape(0, in.dim(0), rows.out(), cols.out(), outC);
    return new ConvParams(in, filter, bias, ctx.output(0), in.dim(0), in.dim(1), in.dim(2), in.dim(3),
        rows.out(), cols.out(), outC, kh, kw, rows, cols, dm, act, FusedActivations.of(act));
  }

  /** CONV_2D: int8 and int16 (16x8) inputs take the integer kernels, float32 inputs the float one. */
  public static Kernel conv2d(OpContext ctx) {
    DataType t = ctx.requireInput(0).type();
    if (t == DataType.INT8) {
      return QuantizedConvolutionKernels.conv2d(ctx);
    }
    if (t == DataType.INT16) {
      return Int16ConvolutionKernels.conv2d(ctx);
    }
    if (t == DataType.UINT8) {
      throw ctx.unsupported(t.displayName() + " CONV_2D (only float32, int8 and int16)");
    }
    if (HybridConvolutionKernels.isHybrid(ctx.requireInput(0), ctx.requireInput(1))) {
      return HybridConvolutionKernels.conv2d(ctx);
    }
    ConvParams p = prepareConv(ctx);
    return () -> runConv(p);
  }

  /** DEPTHWISE_CONV_2D: int8 and int16 (16x8) inputs take the integer kernels, float32 inputs the float one. */
  public static Kernel depthwise(OpContext ctx) {
    DataType t = ctx.requireInput(0).type();
    if (t == DataType.INT8) {
      return QuantizedConvolutionKernels.depthwise(ctx);
    }
    if (t == DataType.INT16) {
      return Int16ConvolutionKernels.depthwise(ctx);
    }
    if (t == DataType.UINT8) {
      throw ctx.unsupported(t.displayName() + " DEPTHWISE_CONV_2D (only float32, int8 and int16)");
    }
    if (HybridConvolutionKernels.isHybrid(ctx.requireInput(0), ctx.requireInput(1))) {
      return HybridConvolutionKernels.depthwise(ctx);
    }
    ConvParams p = prepareDepthwise(ctx);
    return () -> runDepthwise(p);
  }

  /** The reference convolution: one output element at a time, taps outside the image skipped. */
  public static void runConv(ConvParams p) {
    float[] x = p.input().floats();
    float[] w = p.filter().floats();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int inC = p.inC();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * p.outC();
          for (int oc = 0; oc < p.outC(); oc++) {
            float acc = 0f;
            for (int ky = 0; ky < p.kh(); ky++) {
              int iy = p.rows().source(oy, ky);
              if (iy < 0 || iy >= p.inH()) {
                continue;
              }
              for (int kx = 0; kx < p.kw(); kx++) {
                int ix = p.cols().source(ox, kx);
                if (ix < 0 || ix >= p.inW()) {
                  continue;
                }
                int inBase = ((b * p.inH() + iy) * p.inW() + ix) * inC;
                int wBase = ((oc * p.kh() + ky) * p.kw() + kx) * inC;
                for (int ic = 0; ic < inC; ic++) {
                  acc += x[inBase + ic] * w[wBase + ic];
                }
              }
            }
            if (bias != null) {
              acc += bias[oc];
            }
            y[outBase + oc] = p.act().apply(acc);
          }
        }
      }
    }
  }

  /** The reference depthwise convolution: output channel oc reads input channel oc / multiplier. */
  public static void runDepthwise(ConvParams p) {
    float[] x = p.input().floats();
    float[] w = p.filter().floats();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int outC = p.outC();
    int dm = p.depthMultiplier();
    for (int b = 0; b < p.batches(); b++) {
      for (int oy = 0; oy < p.outH(); oy++) {
        for (int ox = 0; ox < p.outW(); ox++) {
          int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
          for (int oc = 0; oc < outC; oc++) {
            int ic = oc / dm;
            float acc = 0f;
            for (int ky = 0; ky < p.kh(); ky++) {
              int iy = p.rows().source(oy, ky);
              if (iy < 0 || iy >= p.inH()) {
                continue;
              }
              for (int kx = 0; kx < p.kw(); kx++) {
                int ix = p.cols().source(ox, kx);
                if (ix < 0 || ix >= p.inW()) {
                  continue;
                }
                acc += x[((b * p.inH() + iy) * p.inW() + ix) * p.inC() + ic] * w[(ky * p.kw() + kx) * outC + oc];
              }
            }
            if (bias != null) {
              acc += bias[oc];
            }
            y[outBase + oc] = p.act().apply(acc);
          }
        }
      }
    }
  }
}
