package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.TensorValue;

/**
 * Puts real-valued samples into a model input: a float32 input takes them as they are; a quantized
 * int8, uint8 or int16 input (an already quantized model, e.g. for evaluation) takes
 * round(value / scale) + zero point, rounded half away from zero like TensorFlow Lite's QUANTIZE,
 * and clamped to the type's range.
 */
public final class InputEncoder {
  private final DataType type;
  private final Shape shape;
  private final float scale;
  private final long zeroPoint;

  private InputEncoder(DataType type, Shape shape, float scale, long zeroPoint) {
    this.type = type;
    this.shape = shape;
    this.scale = scale;
    this.zeroPoint = zeroPoint;
  }

  /** Whether {@code input} is int8, uint8 or int16 with one scale, so values can be quantized for it. */
  static boolean isQuantized(Tensor input) {
    Quantization q = input.quantization();
    return (input.type() == DataType.INT8 || input.type() == DataType.UINT8 || input.type() == DataType.INT16)
        && q != null && q.scaleCount() == 1 && q.scale() > 0 && Float.isFinite(q.scale());
  }

  /**
   * An encoder for {@code input}, or an error naming it ({@code what} says what the data is, e.g.
   * "images") when it is neither float32 nor quantized per tensor.
   */
  public static InputEncoder of(Tensor input, String name, String what) {
    if (input.type() == DataType.FLOAT32) {
      return new InputEncoder(DataType.FLOAT32, input.shape(), 1f, 0);
    }
    if (isQuantized(input)) {
      return new InputEncoder(input.type(), input.shape(), input.quantization().scale(),
          input.quantization().zeroPoint());
    }
    throw new InvalidArgumentException("Input '" + name + "' is " + input.type().displayName()
        + (input.isQuantized() ? " quantized per axis" : " without quantization parameters") + "; " + what
        + " can feed float32 inputs, and int8, uint8 or int16 inputs with one scale and zero point (a quantized "
        + "model's input).");
  }

  Shape shape() {
    return shape;
  }

  public TensorValue encode(float[] values) {
    switch (type) {
      case FLOAT32:
        return TensorValue.ofFloats(shape, values);
      case INT16: {
        short[] q = new short[values.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = (short) quantize(values[i], Short.MIN_VALUE, Short.MAX_VALUE);
        }
        return TensorValue.ofShorts(type, shape, q);
      }
      default: {
        int lo = type == DataType.UINT8 ? 0 : Byte.MIN_VALUE;
        int hi = type == DataType.UINT8 ? 255 : Byte.MAX_VALUE;
        byte[] q = new byte[values.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = (byte) quantize(values[i], lo, hi);
        }
        return TensorValue.ofBytes(type, shape, q);
      }
    }
  }

  private int quantize(float v, int lo, int hi) {
    long q = QuantMath.roundHalfAwayFromZero(v / (double) scale) + zeroPoint;
    return (int) Math.max(lo, Math.min(hi, q));
  }
}
