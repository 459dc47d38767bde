package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.LiteQuantException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG, JPEG and BMP files read with the JDK's {@code javax.imageio}, as the values stored in the
 * file: grey stays grey, palette entries are looked up, 16-bit samples are scaled to [0, 255]. The
 * stored values are taken as they are, with no colour management: {@link BufferedImage#getRGB}
 * would pass grey images through a gamma curve and change every value.
 */
final class ImageFiles {
  static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

  private ImageFiles() {}

  static boolean isImage(Path file) {
    return EXTENSIONS.contains(extension(file));
  }

  static String extension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** Checks, from its header alone, that the file is an image Java can read. */
  static void probe(Path file) {
    read(file, false);
  }

  static DecodedImage decode(Path file) {
    return read(file, true);
  }

  private static DecodedImage read(Path file, boolean pixels) {
    ImageReader reader = null;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new InvalidArgumentException("Cannot open " + file + ".");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new InvalidArgumentException(file + " is not an image Java can read: its contents are not PNG, JPEG "
            + "or BMP (whatever its name says).");
      }
      reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      reader.setInput(in, true, true);
      if (!pixels) {
        if (reader.getWidth(0) < 1 || reader.getHeight(0) < 1) {
          throw new InvalidArgumentException(file + " is an empty image (" + reader.getWidth(0) + "x"
              + reader.getHeight(0) + ").");
        }
        return null;
      }
      BufferedImage image = reader.read(0);
      // A truncated JPEG decodes with a warning into a grey-filled image: that is damage, not data.
      if (!warnings.isEmpty()) {
        throw new InvalidArgumentException(file + " is damaged: the " + reader.getFormatName() + " decoder reports '"
            + String.join("'; '", warnings) + "'. Re-save or remove the file.");
      }
      return values(image);
    } catch (LiteQuantException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO's decoders report damaged data with IOExceptions and with runtime exceptions alike.
      throw new InvalidArgumentException(file + " could not be " + (pixels ? "decoded" : "read") + " as an image: "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ". Re-save or remove the "
          + "file.", e);
    } finally {
      if (reader != null) {
        reader.dispose();
      }
    }
  }

  static DecodedImage values(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel palette) {
      return fromPalette(image.getRaster(), palette);
    }
    if (cm instanceof ComponentColorModel && storedAsIs(cm)) {
      return fromComponents(image.getRaster(), cm);
    }
    return fromRgb(image);
  }

  /** Grey or RGB components in 8 or 16 bits: read the stored samples directly. */
  private static boolean storedAsIs(ColorModel cm) {
    int type = cm.getColorSpace().getType();
    int transfer = cm.getTransferType();
    return (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT)
        && ((type == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1)
        || (type == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3));
  }

  private static DecodedImage fromComponents(Raster raster, ColorModel cm) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int channels = cm.getNumColorComponents();
    double[] toByteRange = new double[channels];
    for (int c = 0; c < channels; c++) {
      toByteRange[c] = 255.0 / ((1L << cm.getComponentSize(c)) - 1);
    }
    float[] out = new float[w * h * channels];
    int[] row = new int[w];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
        for (int x = 0; x < w; x++) {
          out[(y * w + x) * channels + c] = (float) (row[x] * toByteRange[c]);
        }
      }
    }
    return new DecodedImage(w, h, channels, out);
  }

  private static DecodedImage fromPalette(Raster raster, IndexColorModel palette) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    boolean grey = true;
    for (int i = 0; i < palette.getMapSize(); i++) {
      grey &= palette.getRed(i) == palette.getGreen(i) && palette.getGreen(i) == palette.getBlue(i);
    }
    int channels = grey ? 1 : 3;
    float[] out = new float[w * h * channels];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int i = row[x];
        int p = (y * w + x) * channels;
        out[p] = palette.getRed(i);
        if (!grey) {
          out[p + 1] = palette.getGreen(i);
          out[p + 2] = palette.getBlue(i);
        }
      }
    }
    return new DecodedImage(w, h, channels, out);
  }

  /** Packed pixels (BMP's 16- and 32-bit forms) and anything unusual: as 8-bit sRGB. */
  private static DecodedImage fromRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] out = new float[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int p = (y * w + x) * 3;
        out[p] = (rgb >> 16) & 0xFF;
        out[p + 1] = (rgb >> 8) & 0xFF;
        out[p + 2] = rgb & 0xFF;
      }
    }
    return new DecodedImage(w, h, 3, out);
  }
}
