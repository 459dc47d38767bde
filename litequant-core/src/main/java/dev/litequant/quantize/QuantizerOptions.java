package dev.litequant.quantize;

import java.util.List;
import java.util.Objects;

/**
 * The options of one quantization run.
 *
 * @param mode the quantization mode
 * @param inputType element type of the quantized model's inputs
 * @param outputType element type of its outputs
 * @param perChannelDense per-channel (axis 0) FULLY_CONNECTED weights instead of per tensor;
 *     TensorFlow Lite 2.6.2 computes per-channel FULLY_CONNECTED wrongly, hence off by default
 * @param keepFloat operator types (e.g. {@code SOFTMAX}) or regular expressions on output tensor
 *     names whose operators stay float
 * @param minWeightElements dynamic range: constants with fewer elements stay float
 * @param biasType 16x8: the type of quantized biases
 */
public record QuantizerOptions(QuantizationMode mode, IoType inputType, IoType outputType, boolean perChannelDense,
    List<String> keepFloat, int minWeightElements, BiasType biasType) {
  /** The official converter's threshold for dynamic-range weights. */
  public static final int DEFAULT_MIN_WEIGHT_ELEMENTS = 1024;

  public QuantizerOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(inputType, "inputType");
    Objects.requireNonNull(outputType, "outputType");
    Objects.requireNonNull(biasType, "biasType");
    keepFloat = List.copyOf(keepFloat);
  }

  public static QuantizerOptions defaults(QuantizationMode mode) {
    return new QuantizerOptions(mode, IoType.FLOAT32, IoType.FLOAT32, false, List.of(), DEFAULT_MIN_WEIGHT_ELEMENTS,
        BiasType.INT64);
  }
}
