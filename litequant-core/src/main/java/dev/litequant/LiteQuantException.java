package dev.litequant;

/**
 * Root of LiteQuant's single unchecked exception family.
 *
 * <p>Every failure caused by a user's input (a malformed model, bad calibration data, an impossible
 * option combination) surfaces as a subclass of this exception with a one-paragraph message naming
 * what is wrong and where. The command line maps these to exit code 2 and prints only the message.
 */
public class LiteQuantException extends RuntimeException {
  public LiteQuantException(String message) {
    super(message);
  }

  public LiteQuantException(String message, Throwable cause) {
    super(message, cause);
  }
}
