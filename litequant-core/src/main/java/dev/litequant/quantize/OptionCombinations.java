package dev.litequant.quantize;

import dev.litequant.InvalidArgumentException;
import java.util.Locale;

/**
 * Refuses option combinations that make no sense for the chosen mode, before any work, with the
 * option's command-line name so the same message serves the library and the command line.
 */
final class OptionCombinations {
  private OptionCombinations() {}

  static void check(QuantizationMode mode, boolean hasData, IoType input, IoType output, boolean perChannelDense,
      boolean hasMinWeightElements, BiasType biasType) {
    String m = "--mode " + mode.cliName();
    if (mode.needsData() && !hasData) {
      throw new InvalidArgumentException(m + " calibrates the activations and needs a representative data set "
          + "(--data: 100 to 500 typical inputs, or random:N to try the tool).");
    }
    if (!mode.needsData() && hasData) {
      throw new InvalidArgumentException(m + " quantizes weights only and takes no representative data set; "
          + "drop --data, or use --mode int8 or 16x8 to calibrate activations.");
    }
    checkIo(mode, input, "--input-type");
    checkIo(mode, output, "--output-type");
    if (mode == QuantizationMode.FLOAT16 && perChannelDense) {
      throw new InvalidArgumentException("--per-channel-dense chooses how int8 weights are scaled; " + m
          + " keeps float16 weights.");
    }
    if (hasMinWeightElements && mode != QuantizationMode.DYNAMIC) {
      throw new InvalidArgumentException("--min-weight-elements applies to --mode dynamic only; " + m
          + " quantizes every weight.");
    }
    if (perChannelDense && mode.activationType() == dev.litequant.graph.DataType.INT16) {
      throw new InvalidArgumentException("--per-channel-dense with " + m + ": TensorFlow Lite's 16x8 "
          + "FULLY_CONNECTED computes per-channel weights as zeros; 16x8 models keep per-tensor dense weights.");
    }
    if (biasType != null && mode.activationType() != dev.litequant.graph.DataType.INT16) {
      throw new InvalidArgumentException("--bias chooses the bias type of 16x8 models; " + m + " "
          + (mode.needsData() ? "always writes int32 biases." : "keeps float biases."));
    }
    if (biasType == BiasType.INT32) {
      throw new InvalidArgumentException("--bias int32: TensorFlow Lite's 16x8 kernels take int64 biases only "
          + "(CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV refuse int32 ones, FULLY_CONNECTED misreads them), so "
          + "such a model would not run; 16x8 models use --bias int64, the default.");
    }
  }

  private static void checkIo(QuantizationMode mode, IoType type, String option) {
    if (type == IoType.FLOAT32) {
      return;
    }
    String t = type.name().toLowerCase(Locale.ROOT);
    String m = "--mode " + mode.cliName();
    if (!mode.needsData()) {
      throw new InvalidArgumentException(option + " " + t + ": " + m + " keeps float activations, so the model's "
          + "inputs and outputs stay float32.");
    }
    if (mode.activationType() == dev.litequant.graph.DataType.INT8 && type == IoType.INT16) {
      throw new InvalidArgumentException(option + " int16 needs int16 activations (--mode 16x8 or 16x8-only); "
          + m + " gives int8 or uint8 inputs and outputs.");
    }
    if (mode.activationType() == dev.litequant.graph.DataType.INT16 && type != IoType.INT16) {
      throw new InvalidArgumentException(option + " " + t + " does not fit 16x8 activations: " + m + " takes "
          + "float32 or int16 inputs and outputs.");
    }
  }
}
