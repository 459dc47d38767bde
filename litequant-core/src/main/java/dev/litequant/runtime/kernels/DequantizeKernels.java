package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.DEQUANTIZE;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.Float16;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * DEQUANTIZE to float32: int8, uint8 and int16 as {@code scale * (q - zero_point)}, per tensor or
 * per axis (which TensorFlow Lite 2.6.2 gets wrong, returning zeros; LiteQuant computes it), and
 * float16 by exact widening.
 */
public final class DequantizeKernels {
  private DequantizeKernels() {}

  public static void register(KernelRegistry.Builder b) {
    b.add(DEQUANTIZE, 4, DequantizeKernels::dequantize);
  }

  static Kernel dequantize(OpContext ctx) {
    RuntimeTensor in = ctx.requireType(0, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.FLOAT16);
    RuntimeTensor out = ctx.output(0);
    if (out.type() != DataType.FLOAT32) {
      throw ctx.unsupported("output type " + out.type().displayName());
    }
    ctx.setOutputShape(0, in.dims());
    if (in.type() == DataType.FLOAT16) {
      return () -> {
        short[] x = in.shorts();
        float[] y = out.floats();
        for (int i = 0; i < in.size(); i++) {
          y[i] = Float16.toFloat(x[i]);
        }
      };
    }
    Quantization q = in.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("dequantizes " + in + ", which has no quantization parameters");
    }
    int n = in.size();
    float[] scale = new float[n];
    int[] zero = new int[n];
    if (q.isPerAxis()) {
      int axis = ctx.axis(q.axis(), in.rank());
      if (in.dim(axis) != q.scaleCount()) {
        throw ctx.invalid("has " + q.scaleCount() + " scales along axis " + axis + " of " + in);
      }
      int inner = Shapes.strides(in.dims())[axis];
      for (int i = 0; i < n; i++) {
        int c = (i / inner) % in.dim(axis);
        scale[i] = q.scale(c);
        zero[i] = (int) q.zeroPoint(c);
      }
    } else {
      java.util.Arrays.fill(scale, q.scale());
      java.util.Arrays.fill(zero, (int) q.zeroPoint());
    }
    boolean unsigned = in.type() == DataType.UINT8;
    return () -> {
      float[] y = out.floats();
      for (int i = 0; i < n; i++) {
        long v = unsigned ? in.bytes()[i] & 0xFF : in.getLong(i);
        // (double) product then one rounding: the same bits as TensorFlow Lite's float multiply.
        y[i] = (float) ((double) scale[i] * (v - zero[i]));
      }
    };
  }
}
