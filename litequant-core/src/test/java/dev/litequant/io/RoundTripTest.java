package dev.litequant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.graph.Model;
import dev.litequant.graph.ModelDiff;
import dev.litequant.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every shared model reads, writes and reads back to an equal graph. */
class RoundTripTest {
  @TestFactory
  Stream<DynamicTest> everySharedModelRoundTrips() {
    return SharedModels.allTflite().stream()
        .map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> roundTrip(p)));
  }

  private static void roundTrip(Path p) throws Exception {
    Model first = ModelReader.read(Files.readAllBytes(p));
    byte[] written = ModelWriter.write(first);
    Model second = ModelReader.read(written);
    List<String> diff = ModelDiff.compare(first, second);
    assertTrue(diff.isEmpty(), () -> "round trip changed the graph: " + diff);
    // Writing is deterministic and a fixed point after one pass.
    assertArrayEquals(written, ModelWriter.write(second));
    assertEquals(first.subgraphs().size(), second.subgraphs().size());
  }
}
