package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.data.ImagePreprocessing;
import dev.litequant.graph.Model;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The data options of every command that reads a data set ({@code quantize}, {@code evaluate}):
 * {@code --data}, {@code --labels}, and the image preprocessing {@code --scale}, {@code --mean},
 * {@code --std}. Used as a picocli {@code @Mixin}; {@link #DATA_FORMS} is the help text that
 * explains DATA, for the command's footer.
 */
final class DataOptions {
  /**
   * The footer text that teaches DATA, the preprocessing and the labels: one constant, so commands
   * can name it in their {@code @Command(footer = ...)}; {@code %n} ends each line.
   */
  static final String DATA_FORMS = ""
      + "DATA is one of:%n"
      + "  FILE.npy    samples stacked along the first axis, for a model with one input%n"
      + "              (a [500, 28, 28, 1] float32 array for a [1, 28, 28, 1] input)%n"
      + "  FILE.npz    arrays keyed by input name%n"
      + "              (np.savez('data.npz', image=x, mask=m));%n"
      + "              for a model with several signatures, keys SIGNATURE/INPUT%n"
      + "  DIR         a folder of images (.png .jpg .jpeg .bmp) for a model with one%n"
      + "              image input, [1, H, W, C] with C = 1 or 3, or [1, H, W]%n"
      + "  DIR         a folder of 16-bit PCM mono WAV files (.wav) for a model with%n"
      + "              one input [1, N] or [N]%n"
      + "  DIR/CLASS/  one subfolder per class, holding that class's images or WAVs%n"
      + "  FILE        a single image or WAV file%n"
      + "  random:N    N synthetic samples, uniform in [0, 1): only for trying the tool%n"
      + "%n"
      + "Folders are read in natural name order (img2 before img10). Hidden files%n"
      + "are skipped; any other file that is not a sample is an error, except a%n"
      + "labels.txt directly in DIR, which gives the labels.%n"
      + "%n"
      + "Images become input values in this order: converted to grey (ITU-R BT.601%n"
      + "luma 0.299 R + 0.587 G + 0.114 B) or RGB (grey repeated) as C needs, alpha%n"
      + "dropped; scaled bilinearly (half-pixel centres, no anti-aliasing, as%n"
      + "tf.image.resize) until they just cover H x W, keeping their aspect ratio;%n"
      + "cut to their centre H x W; then each value v (0..255; 16-bit images scaled%n"
      + "to that range) becomes (v * SCALE - MEAN[c]) / STD[c]. An int8 or uint8%n"
      + "input (a quantized model) gets that value quantized with its scale and%n"
      + "zero point.%n"
      + "%n"
      + "WAV samples s become s / 32768, in [-1, 1) (int16 inputs take s as it is);%n"
      + "clips are cut to their first N samples or padded with zeros at the end%n"
      + "(with a warning saying how many).%n"
      + "%n"
      + "Labels: --labels FILE (or DIR/labels.txt) holds one integer class label per%n"
      + "line for the samples in order (blank lines and # comments are skipped).%n"
      + "With class subfolders, the label of each class is its subfolder's index in%n"
      + "plain sorted order (as Keras and PyTorch number them), or its name when%n"
      + "every subfolder is named by an integer.";

  @Option(names = "--data", paramLabel = "DATA", description = "The data set (see DATA below).")
  String data;

  @Option(names = "--labels", paramLabel = "FILE", description = "One integer class label per line for the samples "
      + "of DATA, in order; blank lines and # comments are skipped. Default: DATA/labels.txt when DATA is a folder "
      + "that has one, the class subfolders when DATA has them.")
  Path labels;

  @Option(names = "--scale", paramLabel = "S", converter = Number.class, description = "Images: multiply each pixel "
      + "value (0..255) by S first. Default 1: raw 0..255 values. 1/255 (or 0.00392156862745098) gives 0..1.")
  Float scale;

  @Option(names = "--mean", paramLabel = "M", split = ",", converter = Number.class, description = "Images: then "
      + "subtract M: one value for all channels, or one per channel in R,G,B order (e.g. 0.485,0.456,0.406). "
      + "Default 0.")
  float[] mean;

  @Option(names = "--std", paramLabel = "D", split = ",", converter = Number.class, description = "Images: then "
      + "divide by D: one value, or one per channel (e.g. 0.229,0.224,0.225). Default 1.")
  float[] std;

  /** The preprocessing given, or null when none of --scale, --mean, --std was given. */
  ImagePreprocessing preprocessing() {
    if (scale == null && mean == null && std == null) {
      return null;
    }
    ImagePreprocessing d = ImagePreprocessing.DEFAULTS;
    return new ImagePreprocessing(scale == null ? d.scale() : scale, mean == null ? d.mean() : mean,
        std == null ? d.std() : std);
  }

  /** The data set for {@code model}, or null when --data was not given. */
  DatasetSpec load(Model model) {
    if (data == null) {
      if (labels != null || preprocessing() != null) {
        throw new InvalidArgumentException((labels != null ? "--labels" : "--scale, --mean and --std")
            + " describe the data set, but no --data was given.");
      }
      return null;
    }
    return DatasetSpec.parse(data, model, preprocessing(), labels);
  }

  /** A number, or a fraction such as 1/255. */
  static final class Number implements ITypeConverter<Float> {
    @Override
    public Float convert(String text) {
      String s = text.strip();
      try {
        int slash = s.indexOf('/');
        if (slash < 0) {
          return Float.parseFloat(s);
        }
        return (float) (Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1)));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "' is not a number (e.g. 0.5, 127.5 or 1/255)");
      }
    }
  }
}
