package dev.litequant.runtime;

import dev.litequant.graph.Tensor;
import java.nio.ByteBuffer;

/** Decodes a constant tensor's little-endian buffer into the runtime's typed array. */
final class ConstantData {
  private ConstantData() {}

  static Object decode(Tensor t, StorageKind kind, int size) {
    ByteBuffer b = t.buffer().view();
    Object data = kind.allocate(Math.max(1, size));
    switch (kind) {
      case FLOAT -> b.asFloatBuffer().get((float[]) data, 0, size);
      case INT -> b.asIntBuffer().get((int[]) data, 0, size);
      case LONG -> b.asLongBuffer().get((long[]) data, 0, size);
      case SHORT -> b.asShortBuffer().get((short[]) data, 0, size);
      case BYTE -> b.get((byte[]) data, 0, size);
    }
    return data;
  }
}
