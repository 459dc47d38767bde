package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.io.ModelFiles;
import dev.litequant.runtime.TensorValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * NumPy {@code .npz} archives ({@code np.savez}, {@code np.savez_compressed}): a zip of {@code
 * .npy} files, read as arrays keyed by name (the entry name without {@code .npy}).
 */
public final class Npz {
  /** A single array may not inflate beyond this (a zip bomb would otherwise exhaust memory). */
  private static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8L;

  private Npz() {}

  public static Map<String, TensorValue> read(Path file) {
    return parse(ModelFiles.readBytes(file, "NumPy archive"), file.toString());
  }

  public static Map<String, TensorValue> parse(byte[] bytes, String source) {
    Map<String, TensorValue> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (e.isDirectory()) {
          continue;
        }
        String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
        out.put(name, Npy.parse(readEntry(zip, source, e.getName()), source + " (array '" + name + "')"));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidArgumentException(source + " is not a readable .npz archive: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new InvalidArgumentException(source + " holds no arrays (is it a .npz archive made by np.savez?).");
    }
    return out;
  }

  private static byte[] readEntry(ZipInputStream zip, String source, String entry) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = zip.read(chunk)) > 0) {
      total += n;
      if (total > MAX_ENTRY_BYTES) {
        throw new InvalidArgumentException(source + ": array '" + entry + "' is larger than 2 GB.");
      }
      buf.write(chunk, 0, n);
    }
    return buf.toByteArray();
  }
}
