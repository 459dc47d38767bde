package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of PNG, BMP and JPEG decodes to the values written into it: the test sets the pixels
 * of a small image, saves it with the JDK's writers, and expects those numbers back.
 */
class ImageFilesTest {
  @TempDir Path dir;

  private Path write(BufferedImage image, String format, String name) throws IOException {
    Path p = dir.resolve(name);
    assertTrue(ImageIO.write(image, format, p.toFile()), "the JDK writes " + format);
    return p;
  }

  @Test
  void greyPngKeepsItsValuesWithoutAGammaCurve() throws IOException {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSamples(0, 0, 2, 2, 0, new int[] {0, 64, 128, 255});
    DecodedImage d = ImageFiles.decode(write(img, "png", "grey.png"));
    assertEquals(2, d.width());
    assertEquals(2, d.height());
    assertEquals(1, d.channels());
    assertArrayEquals(new float[] {0, 64, 128, 255}, d.values());
  }

  @Test
  void rgbPngIsRowByRowWithChannelsInterleaved() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x102030);
    img.setRGB(1, 0, 0xFF8001);
    DecodedImage d = ImageFiles.decode(write(img, "png", "rgb.png"));
    assertEquals(3, d.channels());
    assertArrayEquals(new float[] {0x10, 0x20, 0x30, 0xFF, 0x80, 0x01}, d.values());
  }

  @Test
  void alphaIsDroppedAndTheStoredColourKept() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0x00112233);
    img.setRGB(1, 0, 0x80445566);
    DecodedImage d = ImageFiles.decode(write(img, "png", "rgba.png"));
    assertEquals(3, d.channels());
    assertArrayEquals(new float[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66}, d.values());
  }

  @Test
  void sixteenBitGreyIsScaledTo0To255KeepingTheFraction() throws IOException {
    BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 65535, 257 * 100, 32768});
    DecodedImage d = ImageFiles.decode(write(img, "png", "grey16.png"));
    assertEquals(1, d.channels());
    assertArrayEquals(new float[] {0, 255, 100, (float) (32768 * 255.0 / 65535)}, d.values());
  }

  @Test
  void sixteenBitRgb() throws IOException {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16,
        16}, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(1, 1);
    r.setPixel(0, 0, new int[] {65535, 0, 257 * 7});
    BufferedImage img = new BufferedImage(cm, r, false, null);
    DecodedImage d = ImageFiles.decode(write(img, "png", "rgb16.png"));
    assertArrayEquals(new float[] {255, 0, 7}, d.values());
  }

  @Test
  void paletteEntriesAreLookedUpAndAGreyPaletteGivesOneChannel() throws IOException {
    byte[] red = {0, (byte) 200, 10, 5};
    byte[] green = {0, 100, 20, 5};
    byte[] blue = {0, 50, 30, (byte) 255};
    BufferedImage colour = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY,
        new IndexColorModel(2, 4, red, green, blue));
    colour.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 3, 2});
    DecodedImage c = ImageFiles.decode(write(colour, "png", "palette.png"));
    assertEquals(3, c.channels());
    assertArrayEquals(new float[] {200, 100, 50, 5, 5, 255, 10, 20, 30}, c.values());

    byte[] grey = {9, 99, (byte) 199, (byte) 255};
    BufferedImage greys = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 4, grey, grey, grey));
    greys.getRaster().setSamples(0, 0, 2, 2, 0, new int[] {3, 2, 1, 0});
    DecodedImage g = ImageFiles.decode(write(greys, "png", "grey-palette.png"));
    assertEquals(1, g.channels());
    assertArrayEquals(new float[] {255, 199, 99, 9}, g.values());
  }

  @Test
  void bitmapsIn24BitsAndWithAPalette() throws IOException {
    BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    rgb.setRGB(0, 0, 0x010203);
    rgb.setRGB(1, 0, 0x040506);
    rgb.setRGB(0, 1, 0x070809);
    rgb.setRGB(1, 1, 0xFAFBFC);
    DecodedImage d = ImageFiles.decode(write(rgb, "bmp", "rgb.bmp"));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 0xFA, 0xFB, 0xFC}, d.values());

    byte[] grey = new byte[256];
    for (int i = 0; i < 256; i++) {
      grey[i] = (byte) (255 - i);
    }
    BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, grey, grey, grey));
    indexed.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 1, 250});
    DecodedImage g = ImageFiles.decode(write(indexed, "bmp", "indexed.bmp"));
    assertEquals(1, g.channels());
    assertArrayEquals(new float[] {255, 254, 5}, g.values());
  }

  @Test
  void jpegsDecodeToNearlyTheirColour() throws IOException {
    BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        rgb.setRGB(x, y, 0xC86432);
        grey.getRaster().setSample(x, y, 0, 77);
      }
    }
    DecodedImage c = ImageFiles.decode(write(rgb, "jpg", "flat.jpg"));
    assertEquals(3, c.channels());
    for (int p = 0; p < 256; p++) {
      // JPEG is lossy: a flat colour comes back within a few steps.
      assertEquals(200, c.values()[3 * p], 4);
      assertEquals(100, c.values()[3 * p + 1], 4);
      assertEquals(50, c.values()[3 * p + 2], 4);
    }
    DecodedImage g = ImageFiles.decode(write(grey, "jpeg", "flat.jpeg"));
    assertEquals(1, g.channels());
    for (float v : g.values()) {
      assertEquals(77, v, 2);
    }
  }

  @Test
  void damagedFilesAreErrorsNamingTheFile() throws IOException {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 7919 + y * 104729) * 31);
      }
    }
    Path png = write(img, "png", "whole.png");
    byte[] bytes = Files.readAllBytes(png);
    Path truncated = dir.resolve("truncated.png");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertMessage(() -> ImageFiles.decode(truncated), "truncated.png could not be decoded as an image");

    byte[] jpeg = Files.readAllBytes(write(img, "jpg", "whole.jpg"));
    Path cut = dir.resolve("cut.jpg");
    Files.write(cut, Arrays.copyOf(jpeg, jpeg.length / 2));
    assertMessage(() -> ImageFiles.decode(cut), "cut.jpg");

    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not a picture\n");
    assertMessage(() -> ImageFiles.probe(text), "notes.png is not an image Java can read");
    assertMessage(() -> ImageFiles.decode(text), "notes.png is not an image Java can read");

    Path empty = dir.resolve("empty.bmp");
    Files.write(empty, new byte[0]);
    assertMessage(() -> ImageFiles.probe(empty), "empty.bmp");
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
