package dev.litequant.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example model committed under {@code examples/} is exactly what {@link SineModel} builds,
 * and it computes sine in the real interpreter. Regenerate it with
 * {@code mvn -pl litequant-core test -Dtest=ExampleModelsTest -Dlitequant.regenerate=true}.
 */
class ExampleModelsTest {
  static final Path SINE = Path.of("..", "examples", "sine_float.tflite");

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
