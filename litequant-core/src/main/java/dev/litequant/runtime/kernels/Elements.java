package dev.litequant.runtime.kernels;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import dev.litequant.runtime.StorageKind;

/**
 * Type-agnostic access to the arrays that hold tensor elements. Data-movement kernels never look at
 * values: they move them with {@link System#arraycopy} between arrays of whatever storage kind the
 * tensors have, so one kernel serves float32, int32, int64, int8, uint8, int16 and bool alike.
 */
final class Elements {
  private Elements() {}

  /** The array behind a tensor; fetch it when running, since arrays are shared between tensors. */
  static Object array(RuntimeTensor t) {
    return switch (t.kind()) {
      case FLOAT -> t.floats();
      case INT -> t.ints();
      case LONG -> t.longs();
      case BYTE -> t.bytes();
      case SHORT -> t.shorts();
    };
  }

  static Object allocate(StorageKind kind, int length) {
    return switch (kind) {
      case FLOAT -> new float[length];
      case INT -> new int[length];
      case LONG -> new long[length];
      case BYTE -> new byte[length];
      case SHORT -> new short[length];
    };
  }

  /** A one-element array of {@code kind} holding {@code value} (a zero point, zero or false). */
  static Object scalar(StorageKind kind, long value) {
    return switch (kind) {
      case FLOAT -> new float[] {value};
      case INT -> new int[] {(int) value};
      case LONG -> new long[] {value};
      case BYTE -> new byte[] {(byte) value};
      case SHORT -> new short[] {(short) value};
    };
  }

  /** Copies {@code value[0]} into {@code dst[start, start + count)}, doubling the copied span each time. */
  static void broadcastFirst(Object value, Object dst, int start, int count) {
    if (count <= 0) {
      return;
    }
    System.arraycopy(value, 0, dst, start, 1);
    int done = 1;
    while (done < count) {
      int n = Math.min(done, count - done);
      System.arraycopy(dst, start, dst, start + done, n);
      done += n;
    }
  }

  /**
   * The raw value that stands for "nothing" in a tensor: its zero point when it is quantized (so
   * that padding means real 0), otherwise 0 (false for bool).
   */
  static long zeroValue(OpContext ctx, RuntimeTensor t) {
    Quantization q = t.quantization();
    if (q == null || !q.hasScale() || t.type() == DataType.FLOAT32) {
      return 0;
    }
    if (q.isPerAxis()) {
      throw ctx.unsupported("padding " + t + ", which is quantized per axis");
    }
    return q.zeroPoint();
  }

  /** Checks that an output has the input's type, as every data-movement operator requires. */
  static void requireSameType(OpContext ctx, RuntimeTensor in, RuntimeTensor out) {
    if (in.type() != out.type()) {
      throw ctx.invalid("has input " + in + " but output " + out + " of another type");
    }
  }
}
