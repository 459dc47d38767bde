package dev.litequant.quantize;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Shared pieces of quantization tests: sample data, running in the oracle, SQNR. */
final class QuantTestSupport {
  private QuantTestSupport() {}

  /**
   * Quantizes float values to the tensor's int8/uint8/int16 type with its parameters (for feeding
   * inputs), as raw little-endian bytes.
   */
  static byte[] quantizeInput(Tensor t, float[] values) {
    Quantization q = t.quantization();
    if (t.type() == DataType.INT16) {
      ByteBuffer out = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        out.putShort((short) QuantParams.quantize(v, q.scale(), q.zeroPoint(), Short.MIN_VALUE, Short.MAX_VALUE));
      }
      return out.array();
    }
    int lo = t.type() == DataType.UINT8 ? 0 : -128;
    int hi = t.type() == DataType.UINT8 ? 255 : 127;
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) QuantParams.quantize(values[i], q.scale(), q.zeroPoint(), lo, hi);
    }
    return out;
  }

  /** Runs a model in TensorFlow Lite 2.6.2 on float inputs, quantizing/dequantizing integer I/O by its params. */
  static float[] runFloatInOut(byte[] modelBytes, List<TensorValue> floatInputs) {
    Model m = ModelReader.read(modelBytes);
    List<byte[]> raw = new ArrayList<>();
    for (int i = 0; i < floatInputs.size(); i++) {
      Tensor t = m.mainSubgraph().inputs().get(i);
      float[] v = floatInputs.get(i).floats();
      raw.add(t.type() == DataType.FLOAT32 ? floatInputs.get(i).toBytes() : quantizeInput(t, v));
    }
    byte[] out = TfLiteOracle.run(modelBytes, raw).get(0);
    Tensor o = m.mainSubgraph().outputs().get(0);
    return dequantize(o, out);
  }

  static float[] dequantize(Tensor t, byte[] raw) {
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    if (t.type() == DataType.FLOAT32) {
      float[] f = new float[raw.length / 4];
      b.asFloatBuffer().get(f);
      return f;
    }
    Quantization q = t.quantization();
    if (t.type() == DataType.INT16) {
      float[] f = new float[raw.length / 2];
      for (int i = 0; i < f.length; i++) {
        f[i] = q.scale() * (b.getShort(2 * i) - q.zeroPoint());
      }
      return f;
    }
    float[] f = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      int v = t.type() == DataType.UINT8 ? raw[i] & 0xFF : raw[i];
      f[i] = q.scale() * (v - q.zeroPoint());
    }
    return f;
  }

  /** Signal-to-quantization-noise ratio in dB: 10 log10(sum ref^2 / sum (ref - x)^2). */
  static double sqnr(List<float[]> reference, List<float[]> test) {
    double signal = 0;
    double noise = 0;
    for (int s = 0; s < reference.size(); s++) {
      float[] r = reference.get(s);
      float[] t = test.get(s);
      for (int i = 0; i < r.length; i++) {
        signal += (double) r[i] * r[i];
        noise += (double) (r[i] - t[i]) * (r[i] - t[i]);
      }
    }
    return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
  }
}
