package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A labels file: one class number (a non-negative integer) per line, for the samples in order.
 * Blank lines are skipped, and {@code #} starts a comment that runs to the end of its line.
 */
public final class LabelsFile {
  private LabelsFile() {}

  public static int[] read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new InvalidArgumentException("Labels file " + file + " is not text (not UTF-8); it should hold one "
          + "integer label per line.", e);
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot read labels file " + file + (Files.exists(file) ? ": "
          + e.getMessage() : ": no such file") + ".", e);
    }
    int[] labels = new int[lines.size()];
    int n = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (i == 0 && text.startsWith("\uFEFF")) {
        text = text.substring(1).strip();
      }
      if (text.isEmpty()) {
        continue;
      }
      labels[n++] = parse(text, file, i + 1);
    }
    if (n == 0) {
      throw new InvalidArgumentException("Labels file " + file + " holds no labels; it should hold one integer "
          + "label per line.");
    }
    return Arrays.copyOf(labels, n);
  }

  private static int parse(String text, Path file, int line) {
    int label;
    try {
      label = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("Labels file " + file + ", line " + line + ": '" + text + "' is not an "
          + "integer; each line holds one class number (blank lines and # comments are skipped).");
    }
    if (label < 0) {
      throw new InvalidArgumentException("Labels file " + file + ", line " + line + ": label " + label + " is "
          + "negative; labels are class numbers 0, 1, 2, ...");
    }
    return label;
  }

  /** Checks that there is one label for each of {@code samples} samples; {@code what} names the data. */
  public static void requireCount(int[] labels, int samples, String source, String what) {
    if (labels.length != samples) {
      throw new InvalidArgumentException("Labels file " + source + " holds " + labels.length + " label"
          + (labels.length == 1 ? "" : "s") + ", but " + what + " holds " + samples + " sample"
          + (samples == 1 ? "" : "s") + ": give exactly one label per sample, in the order of the samples.");
    }
  }
}
