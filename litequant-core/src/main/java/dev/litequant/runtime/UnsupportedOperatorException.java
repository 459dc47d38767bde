package dev.litequant.runtime;

/**
 * Thrown while preparing an operator LiteQuant's interpreter cannot run; collected by the
 * interpreter, which then reports all of them together in one {@link
 * dev.litequant.UnsupportedModelException}.
 */
public final class UnsupportedOperatorException extends RuntimeException {
  private final String reason;

  UnsupportedOperatorException(String reason) {
    super(reason, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
