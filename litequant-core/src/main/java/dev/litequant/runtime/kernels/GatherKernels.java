package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.EMBEDDING_LOOKUP;
import static dev.litequant.graph.BuiltinOperator.GATHER;
import static dev.litequant.graph.BuiltinOperator.GATHER_ND;

import dev.litequant.InvalidArgumentException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;

/**
 * Operators that pick slices by index values: GATHER, GATHER_ND and EMBEDDING_LOOKUP. The indices
 * may be computed at run time, so each one is checked as it is used, and a bad one stops the run
 * with an {@link InvalidArgumentException} naming the operator, the index and the valid range.
 */
final class GatherKernels {
  private GatherKernels() {}

  static void register(KernelRegistry.Builder b) {
    b.add(GATHER, 5, GatherKernels::gather);
    b.add(GATHER_ND, 3, GatherKernels::gatherNd);
    b.add(EMBEDDING_LOOKUP, 3, GatherKernels::embeddingLookup);
  }

  /** "Operator 3 (GATHER)", for run-time errors. */
  private static String describe(OpContext ctx) {
    return "Operator " + ctx.operatorIndex() + " (" + ctx.operator().displayName() + ")";
  }

  private static RuntimeTensor requireIndices(OpContext ctx, int i) {
    RuntimeTensor t = ctx.requireInput(i);
    if (t.type() != DataType.INT32 && t.type() != DataType.INT64 && t.type() != DataType.INT16) {
      throw ctx.unsupported("indices " + t + " (only int16, int32 and int64 indices)");
    }
    return t;
  }

  /** Reads index {@code k} of {@code indices} and checks it lies in {@code [0, limit)}. */
  private static int index(String op, RuntimeTensor indices, int k, int limit, String along) {
    long v = indices.getLong(k);
    if (v < 0 || v >= limit) {
      throw new InvalidArgumentException(op + " got index " + v + " (element " + k + " of " + indices
          + "), outside [0, " + limit + ") " + along + ".");
    }
    return (int) v;
  }

  /**
   * GATHER: output = params[batch..., outer..., indices[batch..., coords...], inner...], of shape
   * params[:axis] + indices[batch_dims:] + params[axis+1:].
   */
  static Kernel gather(OpContext ctx) {
    RuntimeTensor params = ctx.requireInput(0);
    RuntimeTensor indices = requireIndices(ctx, 1);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, params, out);
    Table o = ctx.options("GatherOptions");
    int axis = ctx.axis(o.getInt("axis"), params.rank());
    int batchDims = o.getInt("batch_dims");
    if (batchDims < 0) {
      batchDims += indices.rank();
    }
    if (batchDims < 0 || batchDims > axis || batchDims > indices.rank()) {
      throw ctx.invalid("has batch_dims " + o.getInt("batch_dims") + " for axis " + axis + ", params " + params
          + " and indices " + indices + "; it must be in [0, min(axis, indices rank)]");
    }
    for (int d = 0; d < batchDims; d++) {
      if (params.dim(d) != indices.dim(d)) {
        throw ctx.invalid("has params " + params + " and indices " + indices + " whose first " + batchDims
            + " (batch) dimensions differ");
      }
    }
    int batches = product(params.dims(), 0, batchDims);
    int outer = product(params.dims(), batchDims, axis);
    int axisSize = params.dim(axis);
    int inner = product(params.dims(), axis + 1, params.rank());
    int coords = product(indices.dims(), batchDims, indices.rank());
    int[] dims = new int[axis + (indices.rank() - batchDims) + (params.rank() - axis - 1)];
    int k = 0;
    for (int d = 0; d < axis; d++) {
      dims[k++] = params.dim(d);
    }
    for (int d = batchDims; d < indices.rank(); d++) {
      dims[k++] = indices.dim(d);
    }
    for (int d = axis + 1; d < params.rank(); d++) {
      dims[k++] = params.dim(d);
    }
    ctx.setOutputShape(0, dims);
    String op = describe(ctx);
    String along = "along axis " + axis + " of params " + params;
    return () -> {
      Object src = Elements.array(params);
      Object dst = Elements.array(out);
      int at = 0;
      for (int b = 0; b < batches; b++) {
        for (int r = 0; r < outer; r++) {
          int rowBase = (b * outer + r) * axisSize * inner;
          for (int c = 0; c < coords; c++) {
            int i = index(op, indices, b * coords + c, axisSize, along);
            System.arraycopy(src, rowBase + i * inner, dst, at, inner);
            at += inner;
          }
        }
      }
    };
  }

  /**
   * GATHER_ND: each row of the last indices axis addresses a slice of params by its first
   * {@code nd} coordinates; output shape = indices[:-1] + params[nd:].
   */
  static Kernel gatherNd(OpContext ctx) {
    RuntimeTensor params = ctx.requireInput(0);
    RuntimeTensor indices = requireIndices(ctx, 1);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, params, out);
    if (indices.rank() < 1) {
      throw ctx.invalid("needs indices of rank 1 or more, got " + indices);
    }
    int nd = indices.dim(indices.rank() - 1);
    if (nd > params.rank()) {
      throw ctx.invalid("has indices " + indices + " addressing " + nd + " axes of params " + params);
    }
    int[] dims = new int[indices.rank() - 1 + params.rank() - nd];
    int k = 0;
    for (int d = 0; d < indices.rank() - 1; d++) {
      dims[k++] = indices.dim(d);
    }
    for (int d = nd; d < params.rank(); d++) {
      dims[k++] = params.dim(d);
    }
    ctx.setOutputShape(0, dims);
    int lookups = product(indices.dims(), 0, indices.rank() - 1);
    int slice = product(params.dims(), nd, params.rank());
    int[] strides = Shapes.strides(params.dims());
    String op = describe(ctx);
    return () -> {
      Object src = Elements.array(params);
      Object dst = Elements.array(out);
      for (int l = 0; l < lookups; l++) {
        int from = 0;
        for (int j = 0; j < nd; j++) {
          from += index(op, indices, l * nd + j, params.dim(j), "along axis " + j + " of params " + params) * strides[j];
        }
        System.arraycopy(src, from, dst, l * slice, slice);
      }
    };
  }

  /**
   * EMBEDDING_LOOKUP: rows of the table (input 1) chosen by the int32 ids of input 0; an int8 table
   * with a float32 output is dequantized row by row (the hybrid path of {@code embedding_lookup.cc}).
   */
  static Kernel embeddingLookup(OpContext ctx) {
    RuntimeTensor ids = ctx.requireType(0, DataType.INT32);
    RuntimeTensor table = ctx.requireInput(1);
    RuntimeTensor out = ctx.output(0);
    if (ids.rank() != 1) {
      throw ctx.invalid("needs 1-D ids, got " + ids);
    }
    if (table.rank() < 2) {
      throw ctx.invalid("needs a table of rank 2 or more, got " + table);
    }
    boolean hybrid = out.type() == DataType.FLOAT32 && table.type() == DataType.INT8;
    if (table.type() != out.type() && !hybrid) {
      if (out.type() == DataType.FLOAT32 && table.type() == DataType.UINT8) {
        throw ctx.unsupported("hybrid lookup of a uint8 table into float32 (only int8 tables)");
      }
      throw ctx.invalid("has table " + table + " but output " + out + " of another type");
    }
    int[] dims = table.shape();
    dims[0] = ids.dim(0);
    ctx.setOutputShape(0, dims);
    int rows = table.dim(0);
    int row = product(table.dims(), 1, table.rank());
    String op = describe(ctx);
    String along = "(rows of table " + table + ")";
    if (hybrid) {
      double scale = hybridTableScale(ctx, table);
      return () -> {
        byte[] src = table.bytes();
        float[] dst = out.floats();
        for (int i = 0; i < ids.size(); i++) {
          int from = index(op, ids, i, rows, along) * row;
          for (int j = 0; j < row; j++) {
            // 2.6.2 multiplies by the scale widened to double and rounds once to float.
            dst[i * row + j] = (float) (src[from + j] * scale);
          }
        }
      };
    }
    return () -> {
      Object src = Elements.array(table);
      Object dst = Elements.array(out);
      for (int i = 0; i < ids.size(); i++) {
        System.arraycopy(src, index(op, ids, i, rows, along) * row, dst, i * row, row);
      }
    };
  }

  /**
   * The one scale of an int8 table read by a hybrid EMBEDDING_LOOKUP; 2.6.2 reads the per-tensor
   * slot and ignores the zero point, so per-axis tables and zero points other than 0 are refused.
   */
  private static double hybridTableScale(OpContext ctx, RuntimeTensor table) {
    dev.litequant.graph.Quantization q = table.quantization();
    if (q == null || !q.hasScale()) {
      throw ctx.invalid("has int8 table " + table + " without a scale");
    }
    if (q.isPerAxis() || q.zeroPoint(0) != 0) {
      throw ctx.unsupported("hybrid lookup of table " + table + " quantized " + q + " (only one scale, zero point 0)");
    }
    return q.scale();
  }

  private static int product(int[] dims, int from, int to) {
    int n = 1;
    for (int d = from; d < to; d++) {
      n *= dims[d];
    }
    return n;
  }
}
