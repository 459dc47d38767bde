package dev.litequant.quantize;

/** What the quantizer does with one input of an operator. */
public enum InputRole {
  /** An activation (or a constant used like one): asymmetric int8, per tensor, from its range. */
  ACTIVATION,
  /** Weights, symmetric int8 per channel along axis 0 (CONV_2D, TRANSPOSE_CONV). */
  WEIGHT_AXIS_0,
  /** Weights, symmetric int8 per channel along axis 3 (DEPTHWISE_CONV_2D). */
  WEIGHT_AXIS_3,
  /** Dense weights: symmetric int8, per tensor unless per-channel dense is asked for (axis 0). */
  WEIGHT_DENSE,
  /** The bias: int32, scale = input scale x weight scale, zero point 0. */
  BIAS,
  /** A constant that must share the output's parameters (PADV2's padding value). */
  LIKE_OUTPUT,
  /** Not quantized: shapes, axes, indices and other non-float inputs. */
  PASS
}
