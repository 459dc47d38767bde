package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * int8 and uint8 model I/O, verified in TensorFlow Lite 2.6.2: the same calibration gives the same
 * int8 arithmetic, so uint8 codes must be exactly the int8 codes plus 128, and float I/O must wrap
 * the same int8 model with QUANTIZE/DEQUANTIZE.
 */
class ModelIoTypesTest {
  private static byte[] quantize(IoType in, IoType out) throws Exception {
    return Quantizer.fromBytes(Files.readAllBytes(SharedModels.path("ai-edge-quantizer/conv_fc_mnist.tflite")))
        .mode(QuantizationMode.INT8).representativeDataset(RepresentativeDataset.ofSamples(samples()))
        .inputType(in).outputType(out).quantize().modelBytes();
  }

  private static List<List<TensorValue>> samples() {
    List<List<TensorValue>> out = new ArrayList<>();
    for (float[] img : dev.litequant.testing.SampleInputs.grayImages(
        SharedModels.root().resolve("ai-edge-quantizer/mnist_images"), 28)) {
      out.add(List.of(TensorValue.ofFloats(dev.litequant.graph.Shape.of(1, 28, 28, 1), img)));
    }
    return out;
  }

  @Test
  void uint8IoIsInt8IoShiftedBy128InTheRealInterpreter() throws Exception {
    byte[] int8 = quantize(IoType.INT8, IoType.INT8);
    byte[] uint8 = quantize(IoType.UINT8, IoType.UINT8);
    byte[] float32 = quantize(IoType.FLOAT32, IoType.FLOAT32);
    Model m8 = ModelReader.read(int8);
    Model mu = ModelReader.read(uint8);
    Model mf = ModelReader.read(float32);
    Tensor in8 = m8.mainSubgraph().inputs().get(0);
    Tensor inU = mu.mainSubgraph().inputs().get(0);
    assertEquals(DataType.INT8, in8.type());
    assertEquals(DataType.UINT8, inU.type());
    assertEquals(DataType.FLOAT32, mf.mainSubgraph().inputs().get(0).type());
    assertEquals(in8.quantization().scale(), inU.quantization().scale());
    assertEquals(in8.quantization().zeroPoint() + 128, inU.quantization().zeroPoint());
    // The edges: uint8 needs requantizing QUANTIZE operators (v2), int8 none, float32 QUANTIZE/DEQUANTIZE.
    assertEquals(0, count(m8, BuiltinOperator.QUANTIZE) + count(m8, BuiltinOperator.DEQUANTIZE));
    assertEquals(2, count(mu, BuiltinOperator.QUANTIZE));
    assertEquals(1, count(mf, BuiltinOperator.QUANTIZE));
    assertEquals(1, count(mf, BuiltinOperator.DEQUANTIZE));
    // Signatures still name the inputs and outputs.
    assertEquals(in8, m8.signatures().get(0).inputs().values().iterator().next());
    assertEquals(inU, mu.signatures().get(0).inputs().values().iterator().next());

    for (List<TensorValue> sample : samples()) {
      float[] x = sample.get(0).floats();
      byte[] q8 = QuantTestSupport.quantizeInput(in8, x);
      byte[] qu = new byte[q8.length];
      for (int i = 0; i < q8.length; i++) {
        qu[i] = (byte) (q8[i] + 128);
      }
      assertArrayEquals(qu, QuantTestSupport.quantizeInput(inU, x));
      byte[] out8 = TfLiteOracle.run(int8, List.of(q8)).get(0);
      byte[] outU = TfLiteOracle.run(uint8, List.of(qu)).get(0);
      for (int i = 0; i < out8.length; i++) {
        assertEquals((out8[i] + 128) & 0xFF, outU[i] & 0xFF, "output " + i);
      }
      // Float I/O: the same int8 network between a QUANTIZE and a DEQUANTIZE.
      float[] f = QuantTestSupport.dequantize(mf.mainSubgraph().outputs().get(0),
          TfLiteOracle.run(float32, List.of(sample.get(0).toBytes())).get(0));
      float[] d = QuantTestSupport.dequantize(m8.mainSubgraph().outputs().get(0), out8);
      assertArrayEquals(d, f, 1e-7f);
    }
  }

  private static long count(Model m, BuiltinOperator op) {
    return m.mainSubgraph().operators().stream().filter(o -> o.is(op)).count();
  }

  @Test
  void helloWorldInt8IoMatchesTheOfficialNamingOfTensors() throws Exception {
    byte[] q = Quantizer.fromBytes(Files.readAllBytes(SharedModels.path("tflite-micro/history/hello_world_no_quant.tflite")))
        .representativeDataset(RepresentativeDataset.ofSamples(OfficialTwinsTest.sineSamples(100, 2)))
        .inputType(IoType.INT8).outputType(IoType.INT8).quantize().modelBytes();
    Model m = ModelReader.read(q);
    // The float model's input and output tensors themselves became int8; nothing else is left over.
    assertEquals("serving_default_dense_2_input:0", m.mainSubgraph().inputs().get(0).name());
    assertEquals("StatefulPartitionedCall:0", m.mainSubgraph().outputs().get(0).name());
    assertTrue(m.mainSubgraph().tensors().stream().noneMatch(t -> t.type() == DataType.FLOAT32));
    assertEquals(10, m.mainSubgraph().tensors().size());
  }
}
