package dev.litequant.runtime.kernels.vector;

import dev.litequant.runtime.kernels.ConvolutionKernels.ConvParams;
import java.util.Arrays;

/**
 * A copy of a convolution's NHWC input with the padding materialised as zeros, so that every
 * filter tap of every output pixel reads inside the array and the inner loops need no bounds
 * tests. Costs one copy of the input per run, small against the convolution itself.
 */
final class PaddedInput {
  final int height;
  final int width;
  final int channels;
  private final int padTop;
  private final int padLeft;
  private final boolean needed;
  private final float[] buffer;

  PaddedInput(ConvParams p) {
    this.channels = p.inC();
    this.padTop = p.rows().padBefore();
    this.padLeft = p.cols().padBefore();
    int rowsNeeded = (p.outH() - 1) * p.rows().stride() + (p.kh() - 1) * p.rows().dilation() + 1;
    int colsNeeded = (p.outW() - 1) * p.cols().stride() + (p.kw() - 1) * p.cols().dilation() + 1;
    this.height = Math.max(p.inH() + padTop, rowsNeeded);
    this.width = Math.max(p.inW() + padLeft, colsNeeded);
    this.needed = height != p.inH() || width != p.inW() || padTop != 0 || padLeft != 0;
    this.buffer = needed ? new float[p.batches() * height * width * channels] : null;
  }

  /** The (possibly padded) input of one run. */
  float[] fill(float[] input, int batches, int inH, int inW) {
    if (!needed) {
      return input;
    }
    Arrays.fill(buffer, 0f);
    int rowLength = inW * channels;
    for (int b = 0; b < batches; b++) {
      for (int y = 0; y < inH; y++) {
        System.arraycopy(input, ((b * inH) + y) * rowLength, buffer,
            ((b * height + y + padTop) * width + padLeft) * channels, rowLength);
      }
    }
    return buffer;
  }
}
