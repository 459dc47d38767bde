package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;

/**
 * A model input that takes N audio samples, shape {@code [1, N]} or {@code [N]}: float32 inputs get
 * each 16-bit sample s as s / 32768, in [-1, 1); int16 inputs without quantization parameters get
 * the raw samples; quantized int8/int16 inputs get the float value quantized. A clip is cut to its
 * first N samples or padded with zeros at the end.
 */
final class AudioInput {
  final int length;
  private final boolean raw;
  private final InputEncoder encoder;
  private final Tensor input;

  private AudioInput(int length, boolean raw, InputEncoder encoder, Tensor input) {
    this.length = length;
    this.raw = raw;
    this.encoder = encoder;
    this.input = input;
  }

  static AudioInput of(Tensor input, String name) {
    int[] d = input.shape().dims();
    boolean ok = (d.length == 1 && d[0] > 0) || (d.length == 2 && d[0] == 1 && d[1] > 0);
    if (!ok) {
      throw new InvalidArgumentException("Input '" + name + "' has shape " + input.shape() + "; WAV files feed an "
          + "input of shape [1, N] or [N] (N audio samples).");
    }
    int n = d[d.length - 1];
    if (input.type() == DataType.INT16 && !InputEncoder.isQuantized(input)) {
      return new AudioInput(n, true, null, input);
    }
    return new AudioInput(n, false, InputEncoder.of(input, name, "WAV files"), input);
  }

  TensorValue value(short[] samples) {
    if (raw) {
      short[] v = new short[length];
      System.arraycopy(samples, 0, v, 0, Math.min(samples.length, length));
      return TensorValue.ofShorts(DataType.INT16, input.shape(), v);
    }
    float[] v = new float[length];
    for (int i = 0; i < Math.min(samples.length, length); i++) {
      v[i] = samples[i] / 32768f;
    }
    return encoder.encode(v);
  }
}
