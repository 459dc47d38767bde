package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Grey to RGB and back, with BT.601 luma worked out by hand. */
class DecodedImageTest {
  @Test
  void colourBecomesBt601Luma() {
    DecodedImage rgb = new DecodedImage(5, 1, 3, new float[] {
      255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30});
    float[] luma = rgb.withChannels(1).values();
    // 0.299 R + 0.587 G + 0.114 B
    assertArrayEquals(new float[] {76.245f, 149.685f, 29.07f, 255f, 2.99f + 11.74f + 3.42f}, luma, 1e-4f);
  }

  @Test
  void greyIsRepeatedInEveryColourChannel() {
    DecodedImage grey = new DecodedImage(2, 1, 1, new float[] {7, 200.5f});
    assertArrayEquals(new float[] {7, 7, 7, 200.5f, 200.5f, 200.5f}, grey.withChannels(3).values());
  }
}
