package dev.litequant.testing;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic random input data for a model's main-subgraph inputs, as raw little-endian bytes. */
public final class RandomInputs {
  private RandomInputs() {}

  public static List<byte[]> forModel(Model model, long seed) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (Tensor t : model.mainSubgraph().inputs()) {
      out.add(forTensor(t, r));
    }
    return out;
  }

  /** All-zero inputs (always valid as indices and sizes). */
  public static List<byte[]> zeros(Model model) {
    List<byte[]> out = new ArrayList<>();
    for (Tensor t : model.mainSubgraph().inputs()) {
      out.add(new byte[(int) t.byteSize()]);
    }
    return out;
  }

  /**
   * Random values for one tensor: floats in [-1, 1), small non-negative integers for int32/int64
   * (so that indices stay valid), the full range for 8 and 16-bit types.
   */
  public static byte[] forTensor(Tensor t, Random r) {
    int n = (int) t.shape().elementCount();
    DataType type = t.type();
    ByteBuffer b = ByteBuffer.allocate((int) type.bytesFor(n)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT32 -> b.putFloat(r.nextFloat() * 2 - 1);
        case INT32 -> b.putInt(r.nextInt(2));
        case INT64 -> b.putLong(r.nextInt(2));
        case INT8, UINT8 -> b.put((byte) r.nextInt(256));
        case INT16 -> b.putShort((short) r.nextInt(65536));
        case BOOL -> b.put((byte) r.nextInt(2));
        default -> throw new IllegalArgumentException("no random data for " + type + " input " + t);
      }
    }
    return b.array();
  }
}
