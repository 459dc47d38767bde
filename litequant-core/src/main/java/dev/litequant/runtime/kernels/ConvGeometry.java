package dev.litequant.runtime.kernels;

import dev.litequant.graph.Padding;

/**
 * Output size and padding of a convolution or pooling window along one spatial axis, computed as
 * TensorFlow Lite does ({@code ComputeOutSize}, {@code ComputePaddingWithOffset}): SAME pads the
 * total evenly with the odd element at the end, VALID does not pad.
 */
public record ConvGeometry(int in, int filter, int stride, int dilation, int out, int padBefore) {
  public static ConvGeometry of(Padding padding, int in, int filter, int stride, int dilation) {
    int effective = (filter - 1) * dilation + 1;
    int out = padding == Padding.SAME ? (in + stride - 1) / stride : (in + stride - effective) / stride;
    int total = Math.max(0, (out - 1) * stride + effective - in);
    return new ConvGeometry(in, filter, stride, dilation, Math.max(out, 0), total / 2);
  }

  /** Input coordinate read by output position {@code o} and filter tap {@code k}. */
  public int source(int o, int k) {
    return o * stride - padBefore + k * dilation;
  }
}
