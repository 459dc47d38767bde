package dev.litequant.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.quantize.OperatorDecision;
import dev.litequant.quantize.QuantizationMode;
import dev.litequant.quantize.Quantizer;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Accuracy-aware fallback meets a bound that plain int8 misses on ResNet-8, keeping float only
 * what it reports, and says so when a bound cannot be met.
 */
class FallbackSearchTest {
  private static final String RESNET = "mlcommons-tiny/image_classification/pretrainedResnet.tflite";

  @Test
  void resnetMeetsAnSqnrBoundThatPlainInt8Misses() throws Exception {
    byte[] model = Files.readAllBytes(SharedModels.path(RESNET));
    List<List<TensorValue>> images = SampleInputs.cifarLikeImages();
    double bound = 20;
    List<FallbackSearch.Attempt> seen = new ArrayList<>();
    FallbackSearch.Outcome o = FallbackSearch.run(model, () -> Quantizer.fromBytes(model), QuantizationMode.INT8,
        images, null, FallbackSearch.Bound.minSqnr(bound), seen::add);
    FallbackSearch.Attempt plain = o.attempts().get(0);
    System.out.printf("ResNet-8 fallback to >= %.0f dB: plain int8 %.2f dB; %d attempts; kept float %s; final %.2f dB,"
        + " %d bytes%n", bound, plain.metrics().outputSqnr()[0], o.attempts().size(), o.keptFloat(),
        o.report().model().outputSqnr()[0], o.result().quantizedBytes());
    assertFalse(plain.meetsBound(), "plain int8 already meets the bound: " + plain.metrics().outputSqnr()[0]);
    assertTrue(o.met(), "the bound was not met");
    assertTrue(o.report().model().outputSqnr()[0] >= bound);
    assertEquals(seen, o.attempts(), "the listener saw every attempt");
    assertFalse(o.keptFloat().isEmpty());
    // Each layer kept float is a float operator in the result, and nothing else is float.
    long floatOps = o.result().operators().stream().filter(d -> d.outcome() == OperatorDecision.Outcome.FLOAT)
        .count();
    assertTrue(floatOps >= o.keptFloat().size() && floatOps <= o.keptFloat().size() + 2,
        floatOps + " float operators for " + o.keptFloat());
    assertTrue(o.result().quantizedBytes() > plain.metrics().quantizedBytes(), "keeping layers float costs size");
  }

  @Test
  void impossibleBoundsAndModesAreReported() throws Exception {
    byte[] model = Files.readAllBytes(SharedModels.path(RESNET));
    List<List<TensorValue>> images = SampleInputs.cifarLikeImages().subList(0, 2);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FallbackSearch.run(model,
        () -> Quantizer.fromBytes(model), QuantizationMode.INT8_ONLY, images, null,
        FallbackSearch.Bound.minSqnr(30), a -> { }));
    assertTrue(e.getMessage().contains("needs a mode with float fallback"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> FallbackSearch.run(model, () -> Quantizer.fromBytes(model),
        QuantizationMode.INT8, images, null, FallbackSearch.Bound.maxAccuracyDrop(0.01), a -> { }));
    assertTrue(e.getMessage().contains("needs labels"), e.getMessage());
  }
}
