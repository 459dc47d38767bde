package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.KernelTestSupport.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Float16;
import dev.litequant.runtime.Interpreter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DEQUANTIZE of constant weights (folded at preparation) and of runtime tensors. */
class DequantizeKernelsTest {
  private static Model dequantizeThenAdd(DataType type, Buffer data, Quantization q, int... shape) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, shape);
    Tensor w = b.constant("w", type, data, shape);
    w.setQuantization(q);
    Tensor f = b.apply(BuiltinOperator.DEQUANTIZE, null, "w_float", DataType.FLOAT32, shape, w);
    Tensor y = b.apply(BuiltinOperator.ADD, dev.litequant.flatbuf.Table.of("AddOptions"), "y", DataType.FLOAT32,
        shape, x, f);
    return b.output(y).build();
  }

  @Test
  void perTensorInt8Uint8Int16AndFloat16MatchTheOracle() {
    Random r = new Random(2);
    byte[] bytes = new byte[24];
    r.nextBytes(bytes);
    check(dequantizeThenAdd(DataType.INT8, Buffer.copyOf(bytes), Quantization.perTensor(0.037f, -5), 4, 6), 1);
    check(dequantizeThenAdd(DataType.UINT8, Buffer.copyOf(bytes), Quantization.perTensor(0.5f, 128), 4, 6), 2);
    short[] shorts = new short[24];
    for (int i = 0; i < shorts.length; i++) {
      shorts[i] = (short) (r.nextInt(65536) - 32768);
    }
    check(dequantizeThenAdd(DataType.INT16, Buffer.ofShorts(shorts), Quantization.perTensor(1e-4f, 0), 4, 6), 3);
    short[] halves = new short[24];
    for (int i = 0; i < halves.length; i++) {
      halves[i] = Float16.fromFloat((r.nextFloat() - 0.5f) * 100);
    }
    check(dequantizeThenAdd(DataType.FLOAT16, Buffer.ofShorts(halves), null, 4, 6), 4);
  }

  /**
   * TensorFlow Lite 2.6.2 dequantizes per-axis int8 as zeros (its per-tensor scale slot is 0), so
   * this case is checked by hand: scale of channel c times (q - zero point).
   */
  @Test
  void perAxisInt8IsDequantizedPerChannel() {
    byte[] q = {-127, -1, 0, 1, 127, 64};
    float[] scales = {0.5f, 0.25f, 2f};
    Model m = dequantizeThenAdd(DataType.INT8, Buffer.copyOf(q),
        Quantization.perAxis(scales, new long[] {0, 0, 0}, 1), 2, 3);
    Interpreter it = Interpreter.create(m);
    it.setInput(0, dev.litequant.runtime.TensorValue.ofFloats(dev.litequant.graph.Shape.of(2, 3), new float[6]));
    it.invoke();
    float[] expected = {-63.5f, -0.25f, 0f, 0.5f, 31.75f, 128f};
    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(it.getOutput(0).floats()));
  }
}
