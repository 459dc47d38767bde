package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BATCH_TO_SPACE_ND;
import static dev.litequant.graph.BuiltinOperator.SPACE_TO_BATCH_ND;

import dev.litequant.runtime.Kernel;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OpContext;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;

/**
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on NHWC (or NHC) tensors: blocks of pixels move between
 * the spatial axes and the batch, as in dilated convolutions. A 3-D input is the 4-D case with a
 * width of 1 (block width 1, no width padding), as TensorFlow Lite treats it. The pixel each output
 * pixel shows is worked out when preparing; running copies whole pixels (all channels at once), so
 * one kernel serves every element type. SPACE_TO_BATCH_ND's padding is the output's zero point when
 * it is quantized, so that it means a real 0.
 */
final class BatchSpaceKernels {
  private BatchSpaceKernels() {}

  /** Marks an output pixel that is padding rather than a copy of an input pixel. */
  private static final int PADDING = -1;

  static void register(KernelRegistry.Builder b) {
    b.add(SPACE_TO_BATCH_ND, 3, BatchSpaceKernels::spaceToBatch);
    b.add(BATCH_TO_SPACE_ND, 3, BatchSpaceKernels::batchToSpace);
  }

  /** The input viewed as 4-D NHWC, with the block shape and the paddings or crops of H and W. */
  private record Layout(int batch, int height, int width, int depth, int blockH, int blockW, int beforeH,
      int afterH, int beforeW, int afterW) {}

  private static Layout layout(OpContext ctx, RuntimeTensor in, String edges) {
    int rank = in.rank();
    if (rank != 3 && rank != 4) {
      throw ctx.invalid("needs a 3-D or 4-D input, got " + in);
    }
    int spatial = rank - 2;
    int[] block = ShapeInputs.vector(ctx, 1, "block shape");
    if (block.length != spatial) {
      throw ctx.invalid("has block shape " + Arrays.toString(block) + " for the " + spatial + " spatial axes of " + in);
    }
    for (int b : block) {
      if (b < 1) {
        throw ctx.invalid("has block shape " + Arrays.toString(block) + " with an entry below 1");
      }
    }
    RuntimeTensor e = ShapeInputs.requireInteger(ctx, 2, edges);
    if (e.rank() != 2 || e.dim(0) != spatial || e.dim(1) != 2) {
      throw ctx.invalid("needs " + edges + " of shape [" + spatial + ", 2], got " + e);
    }
    int[] v = ShapeInputs.ints(ctx, 2, edges);
    for (int x : v) {
      if (x < 0) {
        throw ctx.invalid("has " + edges + " " + Arrays.toString(v) + " with a negative entry");
      }
    }
    boolean hasWidth = spatial == 2;
    return new Layout(in.dim(0), in.dim(1), hasWidth ? in.dim(2) : 1, in.dim(rank - 1), block[0],
        hasWidth ? block[1] : 1, v[0], v[1], hasWidth ? v[2] : 0, hasWidth ? v[3] : 0);
  }

  /** The output dims in the input's rank: a 3-D input drops the width of 1 again. */
  private static int[] dims(RuntimeTensor in, int batch, int height, int width, int depth) {
    return in.rank() == 4 ? new int[] {batch, height, width, depth} : new int[] {batch, height, depth};
  }

  /**
   * SPACE_TO_BATCH_ND: pads H and W, then splits them into blocks; output batch {@code (sh * bw +
   * sw) * N + n} holds the pixels at offset (sh, sw) of every block of image n.
   */
  static Kernel spaceToBatch(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    Layout l = layout(ctx, in, "paddings");
    int paddedH = l.height() + l.beforeH() + l.afterH();
    int paddedW = l.width() + l.beforeW() + l.afterW();
    if (paddedH % l.blockH() != 0 || paddedW % l.blockW() != 0) {
      throw ctx.invalid("pads " + in + " to " + paddedH + "x" + paddedW + ", not a multiple of the block "
          + l.blockH() + "x" + l.blockW());
    }
    int outH = paddedH / l.blockH();
    int outW = paddedW / l.blockW();
    int outBatch = l.batch() * l.blockH() * l.blockW();
    ctx.setOutputShape(0, dims(in, outBatch, outH, outW, l.depth()));
    int[] source = new int[outBatch * outH * outW];
    int p = 0;
    for (int ob = 0; ob < outBatch; ob++) {
      int n = ob % l.batch();
      int shiftW = (ob / l.batch()) % l.blockW();
      int shiftH = (ob / l.batch()) / l.blockW();
      for (int oh = 0; oh < outH; oh++) {
        int h = oh * l.blockH() + shiftH - l.beforeH();
        for (int ow = 0; ow < outW; ow++) {
          int w = ow * l.blockW() + shiftW - l.beforeW();
          boolean inside = h >= 0 && h < l.height() && w >= 0 && w < l.width();
          source[p++] = inside ? ((n * l.height() + h) * l.width() + w) * l.depth() : PADDING;
        }
      }
    }
    Object padPixel = Elements.allocate(out.kind(), Math.max(1, l.depth()));
    Elements.broadcastFirst(Elements.scalar(out.kind(), Elements.zeroValue(ctx, out)), padPixel, 0, l.depth());
    return copyPixels(in, out, source, l.depth(), padPixel);
  }

  /**
   * BATCH_TO_SPACE_ND: the inverse, then crops H and W. Input batch b fills offset
   * ((b / N) / bw, (b / N) % bw) of every block of image b % N.
   */
  static Kernel batchToSpace(OpContext ctx) {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    Elements.requireSameType(ctx, in, out);
    Layout l = layout(ctx, in, "crops");
    int blocks = l.blockH() * l.blockW();
    if (l.batch() % blocks != 0) {
      throw ctx.invalid("has batch " + l.batch() + " in " + in + ", not a multiple of the block size " + blocks);
    }
    int outBatch = l.batch() / blocks;
    int outH = l.height() * l.blockH() - l.beforeH() - l.afterH();
    int outW = l.width() * l.blockW() - l.beforeW() - l.afterW();
    if (outH < 0 || outW < 0) {
      throw ctx.invalid("crops more than the whole of " + in);
    }
    ctx.setOutputShape(0, dims(in, outBatch, outH, outW, l.depth()));
    int[] source = new int[outBatch * outH * outW];
    for (int b = 0; b < l.batch(); b++) {
      int n = b % outBatch;
      int shiftH = (b / outBatch) / l.blockW();
      int shiftW = (b / outBatch) % l.blockW();
      for (int h = 0; h < l.height(); h++) {
        int oh = h * l.blockH() + shiftH - l.beforeH();
        for (int w = 0; w < l.width(); w++) {
          int ow = w * l.blockW() + shiftW - l.beforeW();
          if (oh >= 0 && oh < outH && ow >= 0 && ow < outW) {
            source[(n * outH + oh) * outW + ow] = ((b * l.height() + h) * l.width() + w) * l.depth();
          }
        }
      }
    }
    return copyPixels(in, out, source, l.depth(), null);
  }

  /** Output pixel p gets the {@code depth} elements at {@code source[p]}, or the pad pixel. */
  private static Kernel copyPixels(RuntimeTensor in, RuntimeTensor out, int[] source, int depth, Object padPixel) {
    return () -> {
      Object src = Elements.array(in);
      Object dst = Elements.array(out);
      for (int p = 0; p < source.length; p++) {
        if (source[p] == PADDING) {
          System.arraycopy(padPixel, 0, dst, p * depth, depth);
        } else {
          System.arraycopy(src, source[p], dst, p * depth, depth);
        }
      }
    };
  }
}
