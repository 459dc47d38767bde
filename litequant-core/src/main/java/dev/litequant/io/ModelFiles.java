package dev.litequant.io;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Model;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/** Reading and atomically writing model (and other output) files. */
public final class ModelFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ModelFiles() {}

  public static Model read(Path path) {
    return ModelReader.read(path);
  }

  /** Serialises and writes a model; the target appears complete or not at all. */
  public static void write(Model model, Path target) {
    writeAtomically(ModelWriter.write(model), target);
  }

  /** Reads a whole file with a user-facing error if that fails. */
  public static byte[] readBytes(Path path, String what) {
    return ModelReader.readFile(path, what);
  }

  /**
   * Writes bytes to a temporary file beside {@code target} and then moves it into place, so that
   * a failure never leaves a partial file behind.
   */
  public static void writeAtomically(byte[] bytes, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      // Not Files.createTempFile: it makes owner-only files, and the result should get the umask's.
      tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original failure is the one worth reporting.
        }
      }
    }
  }
}
