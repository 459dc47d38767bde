package dev.litequant.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Model;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calibration records the global min/max of every float tensor; bad data sets give errors naming
 * the sample and the input.
 */
class CalibratorTest {
  private static final Model MODEL = TinyModels.fullyConnected();

  private static TensorValue x(float... v) {
    return TensorValue.ofFloats(Shape.of(1, 4), v);
  }

  @Test
  void rangesAreGlobalMinAndMaxOverAllSamples() {
    List<List<TensorValue>> data = List.of(List.of(x(1, 2, 3, 4)), List.of(x(-5, 0, 0, 0.5f)));
    CalibrationStats s = Calibrator.calibrate(MODEL, RepresentativeDataset.ofSamples(data), null);
    TensorRange input = s.range(0, MODEL.mainSubgraph().indexOf(MODEL.mainSubgraph().inputs().get(0)));
    assertEquals(-5f, input.min());
    assertEquals(4f, input.max());
    assertEquals(2, input.samples());
    // Computed by hand for the output y = relu(W x + b) + (1, 2, 3): W rows from (i % 5 - 2) / 4.
    float[][] w = new float[3][4];
    for (int i = 0; i < 12; i++) {
      w[i / 4][i % 4] = (i % 5 - 2) * 0.25f;
    }
    float[][] xs = {{1, 2, 3, 4}, {-5, 0, 0, 0.5f}};
    float[] b = {0.1f, -0.2f, 0.3f};
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (float[] xv : xs) {
      for (int o = 0; o < 3; o++) {
        float acc = 0;
        for (int k = 0; k < 4; k++) {
          acc += w[o][k] * xv[k];
        }
        float y = Math.max(0, acc + b[o]) + (o + 1);
        min = Math.min(min, y);
        max = Math.max(max, y);
      }
    }
    TensorRange out = s.range(0, MODEL.mainSubgraph().indexOf(MODEL.mainSubgraph().outputs().get(0)));
    assertEquals(min, out.min(), 1e-6);
    assertEquals(max, out.max(), 1e-6);
  }

  @Test
  void statisticsRoundTripThroughJson() {
    CalibrationStats s = Calibrator.calibrate(MODEL, RepresentativeDataset.ofSamples(
        List.of(List.of(x(1, 2, 3, 4)), List.of(x(-1.25e-7f, 0, 7, 1)))), null);
    CalibrationStats back = CalibrationStats.fromJson(s.toJson());
    assertEquals(s.ranges(), back.ranges());
    assertTrue(s.toJson().contains("\"name\": \"dense/relu\""), s.toJson());
  }

  @Test
  void nanIsSkippedWithAWarningButAllNanIsAnError() {
    List<String> warnings = new ArrayList<>();
    CalibrationListener listener = new CalibrationListener() {
      @Override
      public void warning(String message) {
        warnings.add(message);
      }
    };
    CalibrationStats s = Calibrator.calibrate(MODEL, RepresentativeDataset.ofSamples(
        List.of(List.of(x(0.5f, 0.5f, 0.5f, 0.5f)), List.of(x(1, Float.NaN, 3, 4)))), listener);
    assertEquals(4f, s.range(0, 0).max());
    assertEquals(0.5f, s.range(0, 0).min());
    assertTrue(warnings.get(0).contains("input 'x' has 1 NaN values"), warnings.toString());
    // The NaN spreads through the dense layer: that sample is left out of its output's range.
    assertTrue(warnings.get(1).contains("'dense/relu' (output of operator 0, FULLY_CONNECTED) had no finite value"),
        warnings.toString());
    assertEquals(1, s.range(0, MODEL.mainSubgraph().indexOf(MODEL.mainSubgraph().tensorNamed("dense/relu"))).samples());
    InvalidArgumentException never = assertThrows(InvalidArgumentException.class, () -> Calibrator.calibrate(MODEL,
        RepresentativeDataset.ofSamples(List.of(List.of(x(1, Float.NaN, 3, 4)))), null));
    assertTrue(never.getMessage().startsWith("Tensor 'dense/relu' had no finite value (NaN or infinite everywhere) "
        + "in any calibration sample"), never.getMessage());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Calibrator.calibrate(MODEL,
        RepresentativeDataset.ofSamples(List.of(List.of(x(1, 2, 3, 4)), List.of(x(Float.NaN, Float.NaN, Float.NaN,
            Float.NaN)))), null));
    assertEquals("Representative sample 1: input 'x' is entirely NaN.", e.getMessage());
    InvalidArgumentException inf = assertThrows(InvalidArgumentException.class, () -> Calibrator.calibrate(MODEL,
        RepresentativeDataset.ofSamples(List.of(List.of(x(1, Float.POSITIVE_INFINITY, 3, 4)))), null));
    assertEquals("Representative sample 0: input 'x' contains Infinity; calibration data must be finite.",
        inf.getMessage());
  }

  @Test
  void badDataSetsAreNamedPrecisely() {
    assertEquals("The representative data set is empty: calibration needs samples (100 to 500 are typical).",
        fails(RepresentativeDataset.ofSamples(List.of())));
    assertEquals("Representative sample 0: input 'x' has shape [1, 4] (4 values), but the value given has shape [3]"
        + " (3 values).", fails(RepresentativeDataset.ofSamples(List.of(List.of(TensorValue.ofFloats(Shape.of(3), 1, 2, 3))))));
    assertEquals("Representative sample 0: input 'x' takes float32 values, but int32 values were given.",
        fails(RepresentativeDataset.ofSamples(List.of(List.of(TensorValue.ofInts(Shape.of(1, 4), 1, 2, 3, 4))))));
    assertEquals("Representative sample 0 has 2 values, but the model takes 1 inputs ['x' float32[1, 4]].",
        fails(RepresentativeDataset.ofSamples(List.of(List.of(x(1, 2, 3, 4), x(1, 2, 3, 4))))));
    assertEquals("Representative sample 0 of signature 'serving_default' has an input named 'image', which the "
        + "model does not have; its inputs are ['x' float32[1, 4]].",
        fails(RepresentativeDataset.perSignature(Map.of("serving_default", List.of(Map.of("image", x(1, 2, 3, 4)))))));
    assertEquals("Representative sample 0 lacks input 'x'.",
        fails(RepresentativeDataset.ofNamedSamples(List.of(Map.of()))));
    assertEquals("The model has no signature 'predict'; it has [serving_default].",
        fails(RepresentativeDataset.perSignature(Map.of("predict", List.of(Map.of("x", x(1, 2, 3, 4)))))));
  }

  private static String fails(RepresentativeDataset data) {
    return assertThrows(InvalidArgumentException.class, () -> Calibrator.calibrate(MODEL, data, null)).getMessage();
  }
}
