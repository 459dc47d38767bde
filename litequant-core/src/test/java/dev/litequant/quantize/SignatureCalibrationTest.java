package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.graph.SignatureDef;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.SignatureAsMain;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Multi-signature models: each signature's subgraph calibrated with its own samples. */
class SignatureCalibrationTest {
  private static List<Map<String, TensorValue>> samples(float lo, float hi, int n) {
    List<Map<String, TensorValue>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Map.of("x", TensorValue.ofFloats(Shape.of(1), lo + (hi - lo) * i / (n - 1))));
    }
    return out;
  }

  @Test
  void eachSignatureIsCalibratedWithItsOwnSamples() throws Exception {
    byte[] bytes = Files.readAllBytes(SharedModels.path("ai-edge-quantizer/two_signatures.tflite"));
    QuantizationResult r = Quantizer.fromBytes(bytes).mode(QuantizationMode.INT8_ONLY)
        .representativeDataset(RepresentativeDataset.perSignature(Map.of(
            "add", samples(-1, 3, 20), "multiply", samples(0, 20, 20))))
        .inputType(IoType.INT8).outputType(IoType.INT8).quantize();
    Model m = ModelReader.read(r.modelBytes());
    SignatureDef add = m.signature("add");
    SignatureDef mul = m.signature("multiply");
    // add: x in [-1, 3] -> scale 4/255; multiply: x in [0, 20] -> scale 20/255.
    assertEquals(4f / 255, add.inputs().get("x").quantization().scale(), 1e-7);
    assertEquals(20f / 255, mul.inputs().get("x").quantization().scale(), 1e-7);
    assertEquals(DataType.INT8, add.outputs().get("add_result").type());
    assertEquals(2, r.quantizedCount());
    // Both signatures run in TensorFlow Lite 2.6.2 and compute x + 10 and x * 10 within a step.
    for (String key : List.of("add", "multiply")) {
      byte[] main = SignatureAsMain.rewrite(r.modelBytes(), key);
      Model sm = ModelReader.read(main);
      var in = sm.mainSubgraph().inputs().get(0);
      float x = 2.5f;
      byte[] q = QuantTestSupport.quantizeInput(in, new float[] {x});
      float y = QuantTestSupport.dequantize(sm.mainSubgraph().outputs().get(0), TfLiteOracle.run(main, List.of(q)).get(0))[0];
      float expected = key.equals("add") ? x + 10 : x * 10;
      float step = sm.mainSubgraph().outputs().get(0).quantization().scale();
      assertTrue(Math.abs(y - expected) <= 2 * step, key + ": " + y + " vs " + expected);
    }
  }

  @Test
  void listFormDataForSeveralSignaturesIsRefused() throws Exception {
    byte[] bytes = Files.readAllBytes(SharedModels.path("ai-edge-quantizer/two_signatures.tflite"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Quantizer.fromBytes(bytes)
        .representativeDataset(RepresentativeDataset.ofSamples(List.of(List.of(TensorValue.ofFloats(Shape.of(1), 1f)))))
        .quantize());
    assertEquals("The model has 2 signatures (add, multiply): give the representative samples per signature, "
        + "each signature with its own samples.", e.getMessage());
  }
}
