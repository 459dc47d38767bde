package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.TRANSPOSE_CONV;

import dev.litequant.InvalidArgumentException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.kernels.QuantizedOutput.Arithmetic;
import dev.litequant.runtime.kernels.QuantizedOutput.Stage;
import java.util.Arrays;

/**
 * Reference float kernel of TRANSPOSE_CONV (inputs: output_shape, weights [outC, kh, kw, inC],
 * input [N, H, W, inC], optional bias [outC] from v3). Each input pixel scatters
 * {@code input * weight} into the output window it came from; padding is what a forward
 * convolution of the output (same filter and stride) would use, as in TensorFlow Lite. That
 * forward convolution must give back the input's size, as TensorFlow requires.
 *
 * <p>int8 ({@code int8-arithmetic.md}, section 3.5): int32 accumulators of {@code (x - zp_in) * w},
 * scattered the same way, plus the int32 bias, then TensorFlow Lite's two-rounding multiplier per
 * output channel (2.6.2 runs a GEMM to int32, col2im, then a separate requantization loop), the
 * output zero point and a clamp to [-128, 127]: TRANSPOSE_CONV has no fused activation in 2.6.
 * int16 (16x8) inputs go to {@link Int16TransposeConv}.
 */
public final class TransposeConvKernels {
  private TransposeConvKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(TRANSPOSE_CONV, 3, TransposeConvKernels::transposeConv);
  }

  /** Everything a transpose convolution needs, computed once when the operator is prepared. */
  public record TransposeConvParams(RuntimeTensor input, RuntimeTensor weights, RuntimeTensor bias,
      RuntimeTensor output, int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
      int strideH, int strideW, int padTop, int padLeft) {}

  /** Validates a TRANSPOSE_CONV of any element type and sets its output shape. */
  public static TransposeConvParams prepare(OpContext ctx) {
    RuntimeTensor weights = ctx.requireInput(1);
    RuntimeTensor in = ctx.requireInput(2);
    RuntimeTensor bias = ctx.input(3);
    RuntimeTensor out = ctx.output(0);
    RuntimeTensor shapeTensor = ctx.requireInput(0);
    if (shapeTensor.type() != DataType.INT32 || shapeTensor.rank() != 1 || shapeTensor.size() != 4) {
      throw ctx.invalid("needs an int32 output_shape of 4 elements, got " + shapeTensor);
    }
    if (in.rank() != 4 || weights.rank() != 4) {
      throw ctx.invalid("needs a 4-D input and 4-D weights, got " + in + " and " + weights);
    }
    if (out.type() != in.type()) {
      throw ctx.invalid("has a " + in.type().displayName() + " input but a " + out.type().displayName() + " output");
    }
    int outC = weights.dim(0);
    int kh = weights.dim(1);
    int kw = weights.dim(2);
    if (weights.dim(3) != in.dim(3)) {
      throw ctx.invalid("has weights " + weights + " for " + in.dim(3) + " input channels (input " + in + ")");
    }
    int[] shape = shapeTensor.isKnown() ? ctx.knownInts(0) : declaredOutputShape(ctx, out);
    if (shape[0] != in.dim(0) || shape[3] != outC) {
      throw ctx.invalid("has output_shape " + Shapes.str(shape) + " for input " + in + " and " + outC
          + " output channels");
    }
    if (bias != null && bias.size() != outC) {
      throw ctx.invalid("has bias " + bias + " for " + outC + " output channels");
    }
    Table o = ctx.options("TransposeConvOptions");
    int strideH = o.getInt("stride_h");
    int strideW = o.getInt("stride_w");
    if (strideH < 1 || strideW < 1) {
      throw ctx.invalid("has strides " + strideH + "x" + strideW + "; both must be >= 1");
    }
    int act = o.getInt("fused_activation_function");
    if (act != 0) {
      // Ambiguous before v4: TensorFlow Lite 2.6.2 ignores the field, later versions apply it.
      throw ctx.unsupported("TRANSPOSE_CONV v" + ctx.operator().version() + " with fused activation code " + act
          + " (TensorFlow Lite 2.6.2 ignores it, newer versions apply it)");
    }
    Padding pad = PoolingKernels.padding(ctx, o.getInt("padding"));
    ConvGeometry rows = ConvGeometry.of(pad, shape[1], kh, strideH, 1);
    ConvGeometry cols = ConvGeometry.of(pad, shape[2], kw, strideW, 1);
    if (rows.out() != in.dim(1) || cols.out() != in.dim(2)) {
      // TensorFlow Lite's im2col kernel reads and writes out of step on such shapes (garbage, NaN).
      throw ctx.invalid("has output_shape " + Shapes.str(shape) + ", whose forward convolution (" + pad + ", "
          + kh + "x" + kw + " filter, stride " + strideH + "x" + strideW + ") is " + rows.out() + "x" + cols.out()
          + ", not the input's " + in.dim(1) + "x" + in.dim(2));
    }
    ctx.setOutputShape(0, shape);
    return new TransposeConvParams(in, weights, bias, out, in.dim(0), in.dim(1), in.dim(2), in.dim(3),
        shape[1], shape[2], outC, kh, kw, strideH, strideW, rows.padBefore(), cols.padBefore());
  }

  /**
   * An output_shape computed at run time (a model input, as in the tflite-micro seanet layers):
   * LiteQuant fixes shapes before running, so it takes the output shape the file declares, when
   * that is complete, and checks each run that output_shape holds the same values.
   */
  private static int[] declaredOutputShape(OpContext ctx, RuntimeTensor out) {
    Tensor desc = out.tensor();
    Shape signature = desc.shapeSignature();
    int[] declared = desc.shape().dims();
    if (declared.length != 4 || (signature != null && !signature.isFullyDefined())) {
      throw ctx.unsupported("a TRANSPOSE_CONV whose output_shape is computed at run time and whose output " + out
          + " does not declare a complete 4-D shape (LiteQuant's interpreter fixes shapes before it runs)");
    }
    return declared;
  }

  /** TRANSPOSE_CONV: int8 and int16 (16x8) inputs take the integer kernels, float32 inputs the float one. */
  static Kernel transposeConv(OpContext ctx) {
    Kernel k = typedKernel(ctx);
    RuntimeTensor shapeTensor = ctx.requireInput(0);
    if (shapeTensor.isKnown()) {
      return k;
    }
    int[] fixed = ctx.output(0).shape();
    String where = "Operator " + ctx.operatorIndex() + " (TRANSPOSE_CONV)";
    return () -> {
      int[] given = shapeTensor.ints();
      if (!Arrays.equals(given, fixed)) {
        throw new InvalidArgumentException(where + " got output_shape " + Shapes.str(given) + ", but its output was "
            + "fixed to the declared shape " + Shapes.str(fixed) + " before running");
      }
      k.run();
    };
  }

  private static Kernel typedKernel(OpContext ctx) {
    TransposeConvParams p = prepare(ctx);
    if (p.input().type() == DataType.INT8) {
      return int8(ctx, p, Arithmetic.MBQM_DOUBLE);
    }
    if (p.input().type() == DataType.INT16) {
      return Int16TransposeConv.create(ctx, p);
    }
    if (p.input().type() != DataType.FLOAT32) {
      throw ctx.unsupported(p.input().type().displayName() + " TRANSPOSE_CONV (only float32, int8 and int16)");
    }
    if (p.weights().type() != DataType.FLOAT32 || (p.bias() != null && p.bias().type() != DataType.FLOAT32)) {
      throw ctx.invalid("mixes a float32 input with weights " + p.weights() + " and bias " + p.bias());
    }
    return () -> runFloat(p);
  }

  /** The reference scatter: zero the output, add every input pixel's contributions, add bias. */
  public static void runFloat(TransposeConvParams p) {
    float[] x = p.input().floats();
    float[] w = p.weights().floats();
    float[] bias = p.bias() == null ? null : p.bias().floats();
    float[] y = p.output().floats();
    int inC = p.inC();
    int outC = p.outC();
    Arrays.fill(y, 0, p.batches() * p.outH() * p.outW() * outC, 0f);
    for (int b = 0; b < p.batches(); b++) {
      for (int iy = 0; iy < p.inH(); iy++) {
        for (int ix = 0; ix < p.inW(); ix++) {
          int inBase = ((b * p.inH() + iy) * p.inW() + ix) * inC;
          for (int ky = 0; ky < p.kh(); ky++) {
            int oy = iy * p.strideH() - p.padTop() + ky;
            if (oy < 0 || oy >= p.outH()) {
              continue;
            }
            for (int kx = 0; kx < p.kw(); kx++) {
              int ox = ix * p.strideW() - p.padLeft() + kx;
              if (ox < 0 || ox >= p.outW()) {
                continue;
              }
              int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
              for (int oc = 0; oc < outC; oc++) {
                int wBase = ((oc * p.kh() + ky) * p.kw() + kx) * inC;
                float acc = 0f;
                for (int ic = 0; ic < inC; ic++) {
                  acc += x[inBase + ic] * w[wBase + ic];
                }
                y[outBase + oc] += acc;
              }
            }
          }
        }
      }
    }
    if (bias != null) {
      for (int i = 0; i < p.batches() * p.outH() * p.outW(); i++) {
        for (int oc = 0; oc < outC; oc++) {
          y[i * outC + oc] += bias[oc];
        }
      }
    }
  }

  /** A prepared int8 transpose convolution; {@code scratch} holds the int32 accumulators. */
  record QuantizedTransposeConv(TransposeConvParams geometry, int inputZeroPoint, Stage out, int[] scratch) {}

  /** The int8 kernel with the given arithmetic (tests use the alternatives). */
  static Kernel int8(OpContext ctx, TransposeConvParams p, Arithmetic arithmetic) {
    RuntimeTensor in = p.input();
    RuntimeTensor w = p.weights();
    RuntimeTensor out = p.output();
    if (w.type() != DataType.INT8) {
      throw ctx.unsupported(w.type().displayName() + " weights with an int8 input (only int8 weights)");
    }
    QuantizedOutput.checkInt32Bias(ctx, p.bias(), p.outC(), in);
    float inScale = QuantizedOutput.scale(ctx, in, "input");
    float outScale = QuantizedOutput.scale(ctx, out, "output");
    float[] wScales = QuantizedOutput.channelScales(ctx, w, 0, p.outC());
    Stage stage = QuantizedOutput.stage(ctx, inScale, wScales, outScale, QuantizedOutput.zeroPoint(out),
        new int[] {-128, 127}, arithmetic);
    int[] scratch = new int[p.batches() * p.outH() * p.outW() * p.outC()];
    QuantizedTransposeConv q = new QuantizedTransposeConv(p, QuantizedOutput.zeroPoint(in), stage, scratch);
    return () -> runInt8(q);
  }

  /** Scatter into int32 accumulators (wrapping as in C), add bias, then requantize each channel. */
  public static void runInt8(QuantizedTransposeConv q) {
    TransposeConvParams p = q.geometry();
    byte[] x = p.input().bytes();
    byte[] w = p.weights().bytes();
    int[] bias = p.bias() == null ? null : p.bias().ints();
    byte[] y = p.output().bytes();
    int[] acc = q.scratch();
    int zpIn = q.inputZeroPoint();
    int inC = p.inC();
    int outC = p.outC();
    Arrays.fill(acc, 0);
    for (int b = 0; b < p.batches(); b++) {
      for (int iy = 0; iy < p.inH(); iy++) {
        for (int ix = 0; ix < p.inW(); ix++) {
          int inBase = ((b * p.inH() + iy) * p.inW() + ix) * inC;
          for (int ky = 0; ky < p.kh(); ky++) {
            int oy = iy * p.strideH() - p.padTop() + ky;
            if (oy < 0 || oy >= p.outH()) {
              continue;
            }
            for (int kx = 0; kx < p.kw(); kx++) {
              int ox = ix * p.strideW() - p.padLeft() + kx;
              if (ox < 0 || ox >= p.outW()) {
                continue;
              }
              int outBase = ((b * p.outH() + oy) * p.outW() + ox) * outC;
              for (int oc = 0; oc < outC; oc++) {
                int wBase = ((oc * p.kh() + ky) * p.kw() + kx) * inC;
                int sum = 0;
                for (int ic = 0; ic < inC; ic++) {
                  sum += (x[inBase + ic] - zpIn) * w[wBase + ic];
                }
                acc[outBase + oc] += sum;
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      int oc = i % outC;
      int v = bias == null ? acc[i] : acc[i] + bias[oc];
      y[i] = (byte) q.out().apply(v, oc);
    }
  }
}
