package dev.litequant.runtime;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Tensor;

/**
 * Read access to a tensor's live values, given to a {@link TensorObserver} while the interpreter
 * runs. The arrays are the interpreter's own and are valid only during the callback: read the
 * first {@link #size()} elements, never write.
 */
public interface TensorView {
  /** The graph tensor these values belong to. */
  Tensor tensor();

  /** The tensor's position in its subgraph's tensor list. */
  int index();

  DataType type();

  /** The current shape (equal to the file's shape for static models). */
  int[] shape();

  /** Number of elements. */
  int size();

  /** Element {@code i} widened to float; unsigned types are read as unsigned. */
  float getFloat(int i);

  /** The live float32 array (only for {@link DataType#FLOAT32} tensors). */
  float[] floatArray();
}
