package dev.litequant.runtime;

import dev.litequant.graph.Model;
import dev.litequant.io.ModelReader;
import dev.litequant.testing.SharedModels;
import org.junit.jupiter.api.Test;

class InterpreterSmokeTest {
  @Test
  void smoke() {
    for (String name : new String[] {"tflite-micro/history/hello_world_no_quant.tflite", "ai-edge-quantizer/single_add.tflite",
        "ai-edge-quantizer/conv_fc_mnist.tflite", "mlcommons-tiny/image_classification/pretrainedResnet.tflite"}) {
      Model m = ModelReader.read(SharedModels.path(name));
      try {
        var r = OracleComparison.compare(m, OracleComparison.randomInputs(m, 1, -1, 1), InterpreterOptions.referenceKernels());
        System.out.println(name + " " + r);
      } catch (dev.litequant.UnsupportedModelException e) {
        System.out.println(name + " UNSUPPORTED " + e.getMessage());
      }
    }
  }
}
