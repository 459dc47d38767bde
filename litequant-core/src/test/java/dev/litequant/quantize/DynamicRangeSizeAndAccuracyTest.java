package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.calibration.DatasetSpec;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What dynamic range buys and costs on the shipped models: on weight-heavy models the file is as
 * small as the full-integer one (within 2%), and the output stays close to the float model's
 * (SQNR printed; only a sanity floor is asserted). Outputs come from TensorFlow Lite 2.6.2.
 */
class DynamicRangeSizeAndAccuracyTest {
  private static final String RESNET = "mlcommons-tiny/image_classification/pretrainedResnet.tflite";
  private static final String MNIST = "ai-edge-quantizer/conv_fc_mnist.tflite";
  private static final String HELLO = "tflite-micro/history/hello_world_no_quant.tflite";

  @Test
  void weightHeavyModelsAreAsSmallAsFullInteger() throws Exception {
    for (String name : List.of(RESNET, MNIST)) {
      byte[] bytes = Files.readAllBytes(SharedModels.path(name));
      Model m = ModelReader.read(bytes);
      long dynamic = Quantizer.fromBytes(bytes).mode(QuantizationMode.DYNAMIC).quantize().quantizedBytes();
      long int8 = Quantizer.fromBytes(bytes).mode(QuantizationMode.INT8_ONLY)
          .representativeDataset(DatasetSpec.parse("random:8", m).dataset()).quantize().quantizedBytes();
      double ratio = (double) dynamic / int8;
      System.out.printf(Locale.ROOT, "%s: float %d bytes, dynamic range %d, full integer %d (dynamic/int8 %.4f)%n",
          name, bytes.length, dynamic, int8, ratio);
      assertTrue(Math.abs(ratio - 1) <= 0.02, name + ": dynamic " + dynamic + " bytes against int8 " + int8);
    }
  }

  @Test
  void outputsStayCloseToTheFloatModel() throws Exception {
    byte[] resnet = Files.readAllBytes(SharedModels.path(RESNET));
    byte[] resnetDynamic = Quantizer.fromBytes(resnet).mode(QuantizationMode.DYNAMIC).quantize().modelBytes();
    double r = sqnr(resnet, resnetDynamic, SampleInputs.cifarLikeImages());
    List<List<TensorValue>> grid = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      grid.add(List.of(TensorValue.ofFloats(Shape.of(1, 1), (float) (2 * Math.PI * i / 100))));
    }
    byte[] hello = Files.readAllBytes(SharedModels.path(HELLO));
    // Its 16x16 weights are below the default threshold: lower it, or nothing is quantized.
    byte[] helloDynamic = Quantizer.fromBytes(hello).mode(QuantizationMode.DYNAMIC).minWeightElements(16).quantize()
        .modelBytes();
    double h = sqnr(hello, helloDynamic, grid);
    System.out.printf(Locale.ROOT, "dynamic range output SQNR against float: ResNet-8 %.2f dB on %d images, "
        + "hello_world (threshold 16) %.2f dB on 101 points%n", r, SampleInputs.cifarLikeImages().size(), h);
    assertTrue(r > 10 && h > 10, "SQNR " + r + " dB and " + h + " dB");
  }

  private static double sqnr(byte[] floatModel, byte[] quantized, List<List<TensorValue>> inputs) {
    List<float[]> reference = new ArrayList<>();
    List<float[]> test = new ArrayList<>();
    for (List<TensorValue> in : inputs) {
      reference.add(QuantTestSupport.runFloatInOut(floatModel, in));
      test.add(QuantTestSupport.runFloatInOut(quantized, in));
    }
    return QuantTestSupport.sqnr(reference, test);
  }
}
