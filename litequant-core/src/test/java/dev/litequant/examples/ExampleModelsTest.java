package dev.litequant.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.data.Npy;
import dev.litequant.graph.Shape;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.TensorValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example model and calibration data committed under {@code examples/} are exactly what
 * {@link SineModel} and {@link #sineCalibrationData} build, and the model computes sine in the real
 * interpreter. Regenerate it with
 * {@code mvn -pl litequant-core test -Dtest=ExampleModelsTest -Dlitequant.regenerate=true}.
 */
class ExampleModelsTest {
  static final Path SINE = Path.of("..", "examples", "sine_float.tflite");
  static final Path SINE_DATA = Path.of("..", "examples", "sine_calibration.npy");
  static final int CALIBRATION_SAMPLES = 300;

  /** 300 inputs spread evenly over one period, as a [300, 1] float32 array: the quantize demo's data. */
  static TensorValue sineCalibrationData() {
    float[] x = new float[CALIBRATION_SAMPLES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * Math.PI * (i + 0.5) / x.length);
    }
    return TensorValue.ofFloats(Shape.of(x.length, 1), x);
  }

  @Test
  void committedCalibrationDataIsReproducible() throws Exception {
    byte[] built = Npy.toBytes(sineCalibrationData());
    if (Boolean.getBoolean("litequant.regenerate")) {
      ModelFiles.writeAtomically(built, SINE_DATA);
    }
    assertArrayEquals(built, Files.readAllBytes(SINE_DATA), "examples/sine_calibration.npy is stale; regenerate it");
  }

  @Test
  void committedSineModelIsReproducible() throws Exception {
    byte[] built = ModelWriter.write(SineModel.build());
    if (Boolean.getBoolean("litequant.regenerate")) {
      ModelFiles.writeAtomically(built, SINE);
    }
    assertArrayEquals(built, Files.readAllBytes(SINE), "examples/sine_float.tflite is stale; regenerate it");
  }

  @Test
  void sineModelApproximatesSineInTheRealInterpreter() throws Exception {
    byte[] model = Files.readAllBytes(SINE);
    float worst = 0;
    for (int i = 0; i <= 20; i++) {
      float x = (float) (2 * Math.PI * i / 20);
      byte[] in = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(x).array();
      List<byte[]> out = TfLiteOracle.run(model, List.of(in));
      float y = ByteBuffer.wrap(out.get(0)).order(ByteOrder.LITTLE_ENDIAN).getFloat();
      worst = Math.max(worst, Math.abs(y - (float) Math.sin(x)));
    }
    float maxError = worst;
    assertTrue(maxError < 0.1f, "max |y - sin x| = " + maxError);
  }
}
