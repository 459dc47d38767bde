package dev.litequant.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real models in {@code ../shared/models} beside the checkout. Tests that need them call
 * {@link #root()} (or {@link #path}), which skips the test with a clear message when the folder is
 * absent. The files are read in place, never copied into the project.
 */
public final class SharedModels {
  private SharedModels() {}

  /** The models folder, or null when it cannot be found. */
  public static Path locate() {
    String configured = System.getProperty("litequant.shared.dir");
    if (configured != null && Files.isDirectory(Paths.get(configured, "models"))) {
      return Paths.get(configured, "models").toAbsolutePath().normalize();
    }
    Path dir = Paths.get("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("models");
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return null;
  }

  /** The models folder; skips the calling test when it is absent. */
  public static Path root() {
    Path root = locate();
    assumeTrue(root != null,
        "Skipped: the shared test models (../shared/models beside the checkout) are not present here.");
    return root;
  }

  /** A file under the models folder, e.g. {@code "tflite-micro/history/hello_world_old.tflite"}. */
  public static Path path(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(Files.exists(p), "Skipped: shared model " + relative + " is not present.");
    return p;
  }

  /** Every {@code .tflite} file under the models folder, sorted. */
  public static List<Path> allTflite() {
    try (Stream<Path> s = Files.walk(root())) {
      return s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Path relative to the models folder, for test names. */
  public static String name(Path p) {
    return root().relativize(p).toString();
  }
}
