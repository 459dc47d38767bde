package dev.litequant;

/** An argument given to the library (an option, a file, an input array) is unusable. */
public class InvalidArgumentException extends LiteQuantException {
  public InvalidArgumentException(String message) {
    super(message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
