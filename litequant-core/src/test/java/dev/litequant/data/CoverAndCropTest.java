package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The fit to the input's size, against values worked out by hand. */
class CoverAndCropTest {
  private static DecodedImage grey(int w, int h, float... v) {
    return new DecodedImage(w, h, 1, v);
  }

  @Test
  void anImageOfTheInputsSizeIsUnchanged() {
    float[] v = {3.5f, 250, 17, 0.25f, 99, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
    assertArrayEquals(v, CoverAndCrop.apply(new DecodedImage(3, 2, 3, v), 2, 3));
  }

  @Test
  void doublingInterpolatesBetweenPixelCentres() {
    // Output pixel i samples source position (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
    // clamped to [0, 1]: weights 0, 0.25, 0.75, 1 on the second pixel.
    float[] out = CoverAndCrop.apply(grey(2, 2, 0, 100, 200, 40), 4, 4);
    float[] top = {0, 25, 75, 100};
    float[] bottom = {200, 160, 80, 40};
    float[] expected = new float[16];
    float[] rowWeight = {0, 0.25f, 0.75f, 1};
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        expected[y * 4 + x] = top[x] + (bottom[x] - top[x]) * rowWeight[y];
      }
    }
    assertArrayEquals(expected, out, 1e-4f);
  }

  @Test
  void aWideImageKeepsItsCentreColumns() {
    // 5 wide, 2 high into 2x2: no scaling (the height already fits), columns 1 and 2 kept.
    float[] out = CoverAndCrop.apply(grey(5, 2, 0, 1, 2, 3, 4, 10, 11, 12, 13, 14), 2, 2);
    assertArrayEquals(new float[] {1, 2, 11, 12}, out);
  }

  @Test
  void aTallImageKeepsItsCentreRows() {
    float[] out = CoverAndCrop.apply(grey(1, 4, 5, 6, 7, 8), 2, 1);
    assertArrayEquals(new float[] {6, 7}, out);
  }

  @Test
  void shrinkingByThreeSamplesTheCentreOfEachBlock() {
    float[] v = new float[36];
    for (int i = 0; i < 36; i++) {
      v[i] = i;
    }
    // Source position (i + 0.5) * 3 - 0.5 = 1, 4: pixels (1, 1), (1, 4), (4, 1), (4, 4).
    assertArrayEquals(new float[] {7, 10, 25, 28}, CoverAndCrop.apply(grey(6, 6, v), 2, 2));
  }

  @Test
  void shrinkingAWideImageScalesByTheHeightThenCrops() {
    // 6 wide, 4 high into 2x2: scale max(2/4, 2/6) = 1/2 gives 3x2, the crop keeps columns 0..1
    // of it, whose centres fall between source columns 0|1 and 2|3 (rows likewise): each output
    // is the mean of a 2x2 block.
    float[] v = new float[24];
    for (int i = 0; i < 24; i++) {
      v[i] = i * i;
    }
    float[] expected = {
      (0 + 1 + 36 + 49) / 4f, (4 + 9 + 64 + 81) / 4f,
      (144 + 169 + 324 + 361) / 4f, (196 + 225 + 400 + 441) / 4f
    };
    assertArrayEquals(expected, CoverAndCrop.apply(grey(6, 4, v), 2, 2), 1e-4f);
  }

  @Test
  void colourChannelsAreResizedSeparately() {
    DecodedImage rgb = new DecodedImage(2, 1, 3, new float[] {0, 10, 20, 100, 110, 120});
    float[] doubled = CoverAndCrop.apply(rgb, 2, 4);
    // Columns sample positions -0.25, 0.25, 0.75, 1.25 -> weights 0, 0.25, 0.75, 1; rows clamp to 0.
    float[] row = {0, 10, 20, 25, 35, 45, 75, 85, 95, 100, 110, 120};
    float[] expected = new float[24];
    System.arraycopy(row, 0, expected, 0, 12);
    System.arraycopy(row, 0, expected, 12, 12);
    assertArrayEquals(expected, doubled, 1e-4f);
  }
}
