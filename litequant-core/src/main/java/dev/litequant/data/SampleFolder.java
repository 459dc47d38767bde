package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Images or WAV files for one model input, from a folder (see {@link SampleFiles} for the layouts)
 * or a single file. Every file is checked when the folder is loaded (an image's header, a WAV
 * file's format), so a wrong file is reported before a long calibration starts; the samples
 * themselves are decoded one at a time, when asked for, so a folder of any size fits in memory.
 *
 * <p>Images: see {@link ImagePreprocessing} for the value of each pixel, {@link CoverAndCrop} for
 * the fit to the input's height and width, and {@link DecodedImage} for grey and colour. WAV files:
 * see {@link AudioInput}.
 */
public final class SampleFolder {
  private final SampleFiles files;
  private final InputSamples samples;
  private final List<String> warnings;

  private SampleFolder(SampleFiles files, InputSamples samples, List<String> warnings) {
    this.files = files;
    this.samples = samples;
    this.warnings = List.copyOf(warnings);
  }

  /** Whether {@code path} names a folder or a single image or WAV file (by its extension). */
  public static boolean accepts(Path path) {
    return Files.isDirectory(path) || SampleFiles.isSampleFile(path);
  }

  /**
   * Loads {@code path} for {@code input} (called {@code name}); {@code preprocessing} is for images
   * (null: {@link ImagePreprocessing#DEFAULTS}) and must be null for WAV files.
   */
  public static SampleFolder load(Path path, Tensor input, String name, ImagePreprocessing preprocessing) {
    SampleFiles files = SampleFiles.scan(path);
    List<String> warnings = new ArrayList<>(files.warnings);
    InputSamples samples;
    if (files.kind == SampleFiles.Kind.IMAGES) {
      ImageInput target = ImageInput.of(input, name);
      ImagePreprocessing p = preprocessing == null ? ImagePreprocessing.DEFAULTS : preprocessing;
      p.requireChannels(target.channels, "input '" + name + "' " + input.shape());
      files.files.forEach(ImageFiles::probe);
      samples = new ImageSamples(files.files, target, p);
    } else {
      if (preprocessing != null) {
        throw new InvalidArgumentException("--scale, --mean and --std apply to images, but "
            + path + " holds WAV files.");
      }
      AudioInput target = AudioInput.of(input, name);
      List<WavFile> wavs = files.files.stream().map(WavFile::open).toList();
      warnings.addAll(lengthWarnings(wavs, target.length));
      samples = new WavSamples(files.files, wavs, target);
    }
    return new SampleFolder(files, samples, warnings);
  }

  private static List<String> lengthWarnings(List<WavFile> wavs, int length) {
    List<String> out = new ArrayList<>();
    long shorter = wavs.stream().filter(w -> w.sampleCount() < length).count();
    long longer = wavs.stream().filter(w -> w.sampleCount() > length).count();
    if (shorter > 0) {
      out.add(shorter + " of " + wavs.size() + " WAV files are shorter than the input's " + length + " samples and "
          + "are padded with zeros at the end.");
    }
    if (longer > 0) {
      out.add(longer + " of " + wavs.size() + " WAV files are longer than the input's " + length + " samples and "
          + "are cut to their first " + length + ".");
    }
    Map<Integer, Integer> rates = new TreeMap<>();
    wavs.forEach(w -> rates.merge(w.sampleRate(), 1, Integer::sum));
    if (rates.size() > 1) {
      List<String> parts = new ArrayList<>();
      rates.forEach((rate, n) -> parts.add(n + " at " + rate + " Hz"));
      out.add("the WAV files have different sample rates (" + String.join(", ", parts) + "); they are not "
          + "resampled.");
    }
    return out;
  }

  public InputSamples samples() {
    return samples;
  }

  /** The labels the class folders give, one per sample; null for a flat folder or a single file. */
  public int[] classLabels() {
    return files.classLabels == null ? null : files.classLabels.clone();
  }

  /** The folder's {@code labels.txt}, or null. */
  public Path labelsFile() {
    return files.labelsTxt;
  }

  /** For people: e.g. {@code 11 images from mnist_images}. */
  public String description() {
    return files.description;
  }

  /** Things worth telling the user that do not stop loading (e.g. padded WAV files). */
  public List<String> warnings() {
    return warnings;
  }

  private static final class ImageSamples implements InputSamples {
    private final List<Path> files;
    private final ImageInput input;
    private final ImagePreprocessing preprocessing;

    ImageSamples(List<Path> files, ImageInput input, ImagePreprocessing preprocessing) {
      this.files = files;
      this.input = input;
      this.preprocessing = preprocessing;
    }

    @Override
    public int count() {
      return files.size();
    }

    @Override
    public TensorValue sample(int i) {
      return input.value(ImageFiles.decode(files.get(i)), preprocessing);
    }

    @Override
    public String sampleName(int i) {
      return files.get(i).toString();
    }
  }

  private static final class WavSamples implements InputSamples {
    private final List<Path> files;
    private final List<WavFile> wavs;
    private final AudioInput input;

    WavSamples(List<Path> files, List<WavFile> wavs, AudioInput input) {
      this.files = files;
      this.wavs = wavs;
      this.input = input;
    }

    @Override
    public int count() {
      return wavs.size();
    }

    @Override
    public TensorValue sample(int i) {
      return input.value(wavs.get(i).samples(input.length));
    }

    @Override
    public String sampleName(int i) {
      return files.get(i).toString();
    }
  }
}
