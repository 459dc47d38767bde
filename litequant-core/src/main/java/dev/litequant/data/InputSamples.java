package dev.litequant.data;

import dev.litequant.runtime.TensorValue;

/**
 * The samples for one model input, produced when asked for (a folder of images is decoded one
 * file at a time): sample {@code i} is the same value every time.
 */
public interface InputSamples {
  int count();

  TensorValue sample(int i);

  /** For people: where sample {@code i} comes from, e.g. a file name. */
  default String sampleName(int i) {
    return "sample " + i;
  }
}
