package dev.litequant.evaluate;

/** Progress of an evaluation, one call per sample. */
@FunctionalInterface
public interface EvaluationListener {
  EvaluationListener NONE = (done, total) -> { };

  /** @param total the number of samples, or -1 when unknown */
  void sampleDone(int done, int total);
}
