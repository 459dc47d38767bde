package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of a data folder, in order: image files (PNG, JPEG, BMP) or WAV files, never both,
 * either directly in the folder or in one subfolder per class.
 *
 * <ul>
 *   <li>Files are taken in natural name order ({@link NaturalOrder}: {@code img2} before {@code
 *       img10}).
 *   <li>Hidden files and folders (names starting with a dot, like {@code .DS_Store}) are skipped.
 *   <li>A file named {@code labels.txt} directly in a flat folder is its labels file.
 *   <li>Any other file is an error: a stray file would otherwise silently shift every label after
 *       it.
 *   <li>With one subfolder per class, the label of a class is its subfolder's index in plain
 *       character order (the order Keras's {@code image_dataset_from_directory} and PyTorch's
 *       {@code ImageFolder} number classes in: {@code class10} before {@code class2}); when every
 *       subfolder is named by a non-negative integer, that integer is the label. Samples come
 *       class by class in label order.
 * </ul>
 */
final class SampleFiles {
  static final String LABELS_TXT = "labels.txt";

  enum Kind {
    IMAGES("image", "images"),
    WAVS("WAV file", "WAV files");

    final String one;
    final String many;

    Kind(String one, String many) {
      this.one = one;
      this.many = many;
    }
  }

  final Kind kind;
  final List<Path> files;
  /** Per file, from the class folders; null for a flat folder. */
  final int[] classLabels;
  /** The folder's {@code labels.txt}, or null. */
  final Path labelsTxt;
  final String description;
  final List<String> warnings;

  private SampleFiles(Kind kind, List<Path> files, int[] classLabels, Path labelsTxt, String description,
      List<String> warnings) {
    this.kind = kind;
    this.files = List.copyOf(files);
    this.classLabels = classLabels;
    this.labelsTxt = labelsTxt;
    this.description = description;
    this.warnings = List.copyOf(warnings);
  }

  /** Whether {@code file}'s name marks it as an image or a WAV file. */
  static boolean isSampleFile(Path file) {
    return kindOf(file) != null;
  }

  private static Kind kindOf(Path file) {
    if (ImageFiles.isImage(file)) {
      return Kind.IMAGES;
    }
    return ImageFiles.extension(file).equals("wav") ? Kind.WAVS : null;
  }

  static SampleFiles scan(Path path) {
    if (Files.isRegularFile(path)) {
      Kind kind = kindOf(path);
      if (kind == null) {
        throw new IllegalArgumentException("not a sample file: " + path);
      }
      return new SampleFiles(kind, List.of(path), null, null, "1 " + kind.one + " (" + path.getFileName() + ")",
          List.of());
    }
    if (!Files.isDirectory(path)) {
      throw new InvalidArgumentException("--data " + path + ": no such file or folder.");
    }
    List<Path> folders = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    Path labelsTxt = null;
    for (Path p : list(path)) {
      if (Files.isDirectory(p)) {
        folders.add(p);
      } else if (p.getFileName().toString().equals(LABELS_TXT)) {
        labelsTxt = p;
      } else {
        files.add(p);
      }
    }
    if (!folders.isEmpty()) {
      if (!files.isEmpty() || labelsTxt != null) {
        throw new InvalidArgumentException("Data folder " + path + " holds both files (" + names(files.isEmpty()
            ? List.of(labelsTxt) : files) + ") and subfolders (" + names(folders) + "): put the samples either all "
            + "directly in the folder, or in one subfolder per class (the subfolders give the labels).");
      }
      return byClass(path, folders);
    }
    Kind kind = kindOf(path, files);
    return new SampleFiles(kind, files, null, labelsTxt, files.size() + " " + (files.size() == 1 ? kind.one
        : kind.many) + " from " + path.getFileName(), List.of());
  }

  private static SampleFiles byClass(Path root, List<Path> folders) {
    List<Integer> numbers = numericNames(folders);
    List<Path> ordered = new ArrayList<>(folders);
    if (numbers != null) {
      ordered.sort(Comparator.comparingInt(f -> numbers.get(folders.indexOf(f))));
    } else {
      ordered.sort(Comparator.comparing(f -> f.getFileName().toString()));
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Kind kind = null;
    for (int i = 0; i < ordered.size(); i++) {
      Path folder = ordered.get(i);
      int label = numbers == null ? i : numbers.get(folders.indexOf(folder));
      List<Path> inside = list(folder);
      for (Path p : inside) {
        if (Files.isDirectory(p)) {
          throw new InvalidArgumentException("Class folder " + folder + " holds a subfolder (" + p.getFileName()
              + "): each class folder should hold only its samples.");
        }
      }
      if (inside.isEmpty()) {
        warnings.add("class folder " + folder + " is empty: class " + label + " has no samples.");
        continue;
      }
      Kind k = kindOf(folder, inside);
      if (kind != null && k != kind) {
        throw new InvalidArgumentException("Data folder " + root + " mixes " + kind.many + " and " + k.many
            + " (in " + folder.getFileName() + "): give one kind of sample.");
      }
      kind = k;
      for (Path p : inside) {
        files.add(p);
        labels.add(label);
      }
    }
    if (files.isEmpty()) {
      throw new InvalidArgumentException("Data folder " + root + " has " + folders.size() + " class folder"
          + (folders.size() == 1 ? "" : "s") + ", but no samples in any of them.");
    }
    String description = files.size() + " " + (files.size() == 1 ? kind.one : kind.many) + " in "
        + folders.size() + " class folder" + (folders.size() == 1 ? "" : "s") + " of " + root.getFileName();
    return new SampleFiles(kind, files, labels.stream().mapToInt(Integer::intValue).toArray(), null, description,
        warnings);
  }

  /** The folders' names as integers when every name is one (and no two are equal), else null. */
  private static List<Integer> numericNames(List<Path> folders) {
    List<Integer> out = new ArrayList<>();
    for (Path f : folders) {
      String name = f.getFileName().toString();
      if (!name.matches("[0-9]{1,9}")) {
        return null;
      }
      int n = Integer.parseInt(name);
      int other = out.indexOf(n);
      if (other >= 0) {
        throw new InvalidArgumentException("Class folders " + folders.get(other) + " and " + f + " both name class "
            + n + "; give each class one folder.");
      }
      out.add(n);
    }
    return out;
  }

  /** What kind of samples {@code files} are; an error for stray files, a mix of kinds, or none. */
  private static Kind kindOf(Path folder, List<Path> files) {
    if (files.isEmpty()) {
      throw new InvalidArgumentException("Data folder " + folder + " holds no images (.png, .jpg, .jpeg, .bmp) or "
          + "WAV files (.wav).");
    }
    Kind kind = null;
    for (Path f : files) {
      Kind k = kindOf(f);
      if (k == null) {
        throw new InvalidArgumentException("Data folder " + folder + " holds " + f.getFileName() + ", which is "
            + "neither an image (.png, .jpg, .jpeg, .bmp) nor a WAV file (.wav): move it out of the folder. "
            + "(Hidden files are skipped, and a file named labels.txt directly in the folder is read as its "
            + "labels.)");
      }
      if (kind != null && k != kind) {
        throw new InvalidArgumentException("Data folder " + folder + " mixes " + kind.many + " and " + k.many + " ("
            + f.getFileName() + "): give one kind of sample.");
      }
      kind = k;
    }
    return kind;
  }

  /** The folder's entries without hidden ones, in natural name order. */
  private static List<Path> list(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted(Comparator.comparing(p -> p.getFileName().toString(), NaturalOrder.INSTANCE)).toList();
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot list data folder " + folder + ": " + e.getMessage(), e);
    }
  }

  private static String names(List<Path> paths) {
    List<String> names = paths.stream().limit(3).map(p -> p.getFileName().toString()).toList();
    return String.join(", ", names) + (paths.size() > 3 ? ", ..." : "");
  }
}
