package dev.litequant.calibration;

/** Hears about calibration as it goes: progress, and warnings worth showing the user. */
public interface CalibrationListener {
  CalibrationListener NONE = new CalibrationListener() {};

  /** Called after each sample; {@code total} is -1 when the data set's size is not known. */
  default void sampleDone(String signature, int done, int total) {}

  /** Something the user should know that does not stop calibration (e.g. NaN values skipped). */
  default void warning(String message) {}
}
