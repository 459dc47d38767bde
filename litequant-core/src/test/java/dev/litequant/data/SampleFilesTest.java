package dev.litequant.data;

import static dev.litequant.data.ImageFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder layouts: which files are samples, in which order, with which labels; and what is refused. */
class SampleFilesTest {
  @TempDir Path dir;

  /** Empty files are enough here: only names and layout matter. */
  private Path touch(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[0]);
  }

  private static List<String> names(SampleFiles f) {
    return f.files.stream().map(p -> p.getParent().getFileName() + "/" + p.getFileName()).toList();
  }

  @Test
  void aFlatFolderInNaturalOrderSkippingHiddenFilesWithItsLabelsTxt() throws IOException {
    for (String name : List.of("d/img10.png", "d/img2.JPG", "d/img1.bmp", "d/.DS_Store", "d/labels.txt",
        "d/img3.jpeg", "d/.hidden/x.txt")) {
      touch(name);
    }
    SampleFiles f = SampleFiles.scan(dir.resolve("d"));
    assertEquals(SampleFiles.Kind.IMAGES, f.kind);
    assertEquals(List.of("d/img1.bmp", "d/img2.JPG", "d/img3.jpeg", "d/img10.png"), names(f));
    assertNull(f.classLabels);
    assertEquals(dir.resolve("d/labels.txt"), f.labelsTxt);
    assertEquals("4 images from d", f.description);
  }

  @Test
  void classFoldersAreNumberedInPlainCharacterOrder() throws IOException {
    for (String name : List.of("c/class2/b.png", "c/class2/a10.png", "c/class2/a9.png", "c/class10/z.png",
        "c/cat/1.png", "c/empty/.keep")) {
      touch(name);
    }
    SampleFiles f = SampleFiles.scan(dir.resolve("c"));
    // cat < class10 < class2 < empty, as Keras and PyTorch number them.
    assertEquals(List.of("cat/1.png", "class10/z.png", "class2/a9.png", "class2/a10.png", "class2/b.png"), names(f));
    assertArrayEquals(new int[] {0, 1, 2, 2, 2}, f.classLabels);
    assertEquals("5 images in 4 class folders of c", f.description);
    assertEquals(List.of("class folder " + dir.resolve("c/empty") + " is empty: class 3 has no samples."),
        f.warnings);
  }

  @Test
  void classFoldersNamedByIntegersAreThoseLabels() throws IOException {
    for (String name : List.of("n/10/a.wav", "n/2/a.wav", "n/0/b.wav", "n/0/a.wav")) {
      touch(name);
    }
    SampleFiles f = SampleFiles.scan(dir.resolve("n"));
    assertEquals(SampleFiles.Kind.WAVS, f.kind);
    assertEquals(List.of("0/a.wav", "0/b.wav", "2/a.wav", "10/a.wav"), names(f));
    assertArrayEquals(new int[] {0, 0, 2, 10}, f.classLabels);
  }

  @Test
  void aSingleFile() throws IOException {
    SampleFiles f = SampleFiles.scan(touch("one/x.png"));
    assertEquals(List.of("one/x.png"), names(f));
    assertEquals("1 image (x.png)", f.description);
  }

  @Test
  void layoutMistakesAreNamed() throws IOException {
    touch("stray/a.png");
    touch("stray/notes.txt");
    assertMessage(() -> SampleFiles.scan(dir.resolve("stray")), "holds notes.txt, which is neither an image (.png, "
        + ".jpg, .jpeg, .bmp) nor a WAV file (.wav): move it out of the folder");
    touch("both/a.png");
    touch("both/sub/b.png");
    assertMessage(() -> SampleFiles.scan(dir.resolve("both")), "holds both files (a.png) and subfolders (sub)");
    touch("mixed/a.png");
    touch("mixed/b.wav");
    assertMessage(() -> SampleFiles.scan(dir.resolve("mixed")), "mixes images and WAV files (b.wav)");
    touch("mixedclasses/0/a.png");
    touch("mixedclasses/1/a.wav");
    assertMessage(() -> SampleFiles.scan(dir.resolve("mixedclasses")), "mixes images and WAV files (in 1)");
    touch("twice/1/a.png");
    touch("twice/01/a.png");
    assertMessage(() -> SampleFiles.scan(dir.resolve("twice")), "both name class 1");
    touch("nested/a/b/c.png");
    assertMessage(() -> SampleFiles.scan(dir.resolve("nested")), "holds a subfolder (b)");
    Files.createDirectories(dir.resolve("empty"));
    touch("empty/.DS_Store");
    assertMessage(() -> SampleFiles.scan(dir.resolve("empty")), "holds no images (.png, .jpg, .jpeg, .bmp) or WAV");
    Files.createDirectories(dir.resolve("noclass/a"));
    assertMessage(() -> SampleFiles.scan(dir.resolve("noclass")), "has 1 class folder, but no samples");
    assertMessage(() -> SampleFiles.scan(dir.resolve("absent")), "absent: no such file or folder");
  }
}
