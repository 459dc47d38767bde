package dev.litequant.data;

import static dev.litequant.data.ImageFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImagePreprocessingTest {
  @Test
  void defaultsKeepRawPixelValues() {
    assertEquals(0f, ImagePreprocessing.DEFAULTS.apply(0, 0));
    assertEquals(255f, ImagePreprocessing.DEFAULTS.apply(255, 2));
    assertEquals(127.5f, ImagePreprocessing.DEFAULTS.apply(127.5f, 1));
  }

  @Test
  void scaleThenMeanAndStdPerChannel() {
    // ImageNet's normalisation on 0..1 values.
    ImagePreprocessing p = new ImagePreprocessing(1 / 255f, new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f});
    assertEquals((1 - 0.485) / 0.229, p.apply(255, 0), 1e-5);
    assertEquals((0 - 0.456) / 0.224, p.apply(0, 1), 1e-5);
    assertEquals((0.2 - 0.406) / 0.225, p.apply(51, 2), 1e-5);
  }

  @Test
  void oneMeanAndStdForEveryChannel() {
    ImagePreprocessing p = new ImagePreprocessing(1, new float[] {127.5f}, new float[] {127.5f});
    assertEquals(-1f, p.apply(0, 0));
    assertEquals(1f, p.apply(255, 2));
    assertEquals(0f, p.apply(127.5f, 1));
  }

  @Test
  void mistakesAreNamed() {
    assertMessage(() -> new ImagePreprocessing(0, new float[] {0}, new float[] {1}), "--scale 0.0");
    assertMessage(() -> new ImagePreprocessing(Float.NaN, new float[] {0}, new float[] {1}), "--scale NaN");
    assertMessage(() -> new ImagePreprocessing(1, new float[] {0}, new float[] {1, 0, 1}),
        "--std 1.0,0.0,1.0: every value must be a finite number other than 0");
    assertMessage(() -> new ImagePreprocessing(1, new float[0], new float[] {1}), "--mean needs one value");
    ImagePreprocessing two = new ImagePreprocessing(1, new float[] {1, 2}, new float[] {1});
    assertMessage(() -> two.requireChannels(3, "input 'x' [1, 8, 8, 3]"),
        "--mean 1.0,2.0 has 2 values, but input 'x' [1, 8, 8, 3] has 3 channels");
    ImagePreprocessing three = new ImagePreprocessing(1, new float[] {1}, new float[] {1, 2, 3});
    three.requireChannels(3, "x");
    assertMessage(() -> three.requireChannels(1, "input 'g'"), "--std 1.0,2.0,3.0 has 3 values, but input 'g' has "
        + "1 channel: give one value for all channels.");
  }
}
