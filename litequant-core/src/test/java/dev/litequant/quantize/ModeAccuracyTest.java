package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Output SQNR against the float model, per mode, in TensorFlow Lite 2.6.2 on the shipped samples
 * (ResNet-8 on the person and MNIST images, hello_world on 101 points of one period). Float16 must be
 * far above int8 and 16x8 clearly above it; the numbers are printed for the record.
 */
class ModeAccuracyTest {
  private static final List<QuantizationMode> MODES = List.of(QuantizationMode.INT8_ONLY, QuantizationMode.INT16X8,
      QuantizationMode.DYNAMIC, QuantizationMode.FLOAT16);

  private static Map<QuantizationMode, Double> sqnrPerMode(byte[] floatModel, List<List<TensorValue>> calibration,
      List<List<TensorValue>> evaluation) {
    List<float[]> reference = new ArrayList<>();
    for (List<TensorValue> in : evaluation) {
      reference.add(QuantTestSupport.runFloatInOut(floatModel, in));
    }
    Map<QuantizationMode, Double> out = new EnumMap<>(QuantizationMode.class);
    for (QuantizationMode mode : MODES) {
      Quantizer q = Quantizer.fromBytes(floatModel).mode(mode);
      if (mode.needsData()) {
        q.representativeDataset(RepresentativeDataset.ofSamples(calibration));
      }
      byte[] quantized = q.quantize().modelBytes();
      List<float[]> outputs = new ArrayList<>();
      for (List<TensorValue> in : evaluation) {
        outputs.add(QuantTestSupport.runFloatInOut(quantized, in));
      }
      out.put(mode, QuantTestSupport.sqnr(reference, outputs));
    }
    return out;
  }

  private static void report(String model, Map<QuantizationMode, Double> sqnr) {
    StringBuilder s = new StringBuilder(model + " output SQNR against float:");
    sqnr.forEach((mode, db) -> s.append(String.format(Locale.ROOT, " %s %.2f dB;", mode.cliName(), db)));
    System.out.println(s);
    double int8 = sqnr.get(QuantizationMode.INT8_ONLY);
    assertTrue(sqnr.get(QuantizationMode.FLOAT16) > int8 + 20, s.toString());
    assertTrue(sqnr.get(QuantizationMode.INT16X8) > int8 + 3, s.toString());
  }

  @Test
  void resnet() throws Exception {
    List<List<TensorValue>> images = SampleInputs.cifarLikeImages();
    byte[] model = Files.readAllBytes(SharedModels.path("mlcommons-tiny/image_classification/pretrainedResnet.tflite"));
    report("ResNet-8 (" + images.size() + " images)", sqnrPerMode(model, images, images));
  }

  @Test
  void helloWorld() throws Exception {
    byte[] model = Files.readAllBytes(SharedModels.path("tflite-micro/history/hello_world_no_quant.tflite"));
    List<List<TensorValue>> grid = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      grid.add(List.of(TensorValue.ofFloats(Shape.of(1, 1), (float) (2 * Math.PI * i / 100))));
    }
    report("hello_world (101 points)", sqnrPerMode(model, OfficialTwinsTest.sineSamples(500, 1), grid));
  }
}
