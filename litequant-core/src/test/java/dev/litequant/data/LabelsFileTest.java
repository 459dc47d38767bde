package dev.litequant.data;

import static dev.litequant.data.ImageFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsFileTest {
  @TempDir Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("labels.txt"), text);
  }

  @Test
  void oneIntegerPerLineSkippingBlankLinesAndComments() throws IOException {
    assertArrayEquals(new int[] {3, 0, 12, 7}, LabelsFile.read(file("\uFEFF# digits\n3\n\n  0  \r\n12 # twelve\n"
        + "   # nothing here\n7")));
  }

  @Test
  void mistakesNameTheFileAndLine() throws IOException {
    Path notInt = file("1\n2\ncat\n");
    assertMessage(() -> LabelsFile.read(notInt), "Labels file " + notInt + ", line 3: 'cat' is not an integer");
    Path decimal = file("# header\n\n1.5\n");
    assertMessage(() -> LabelsFile.read(decimal), ", line 3: '1.5' is not an integer");
    Path negative = file("0\n-1\n");
    assertMessage(() -> LabelsFile.read(negative), "line 2: label -1 is negative");
    Path empty = file("# only a comment\n\n");
    assertMessage(() -> LabelsFile.read(empty), "holds no labels");
    assertMessage(() -> LabelsFile.read(dir.resolve("absent.txt")), "Cannot read labels file " + dir.resolve(
        "absent.txt") + ": no such file");
    Path binary = dir.resolve("binary.txt");
    Files.write(binary, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1});
    assertMessage(() -> LabelsFile.read(binary), "is not text");
  }

  @Test
  void countsMustMatch() {
    assertMessage(() -> LabelsFile.requireCount(new int[] {1, 2, 3}, 11, "l.txt", "images/"),
        "Labels file l.txt holds 3 labels, but images/ holds 11 samples");
    LabelsFile.requireCount(new int[] {1}, 1, "l.txt", "x");
  }
}
