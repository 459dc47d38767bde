package dev.litequant;

/**
 * The file decodes, but the graph it describes is inconsistent: an index out of range, a buffer
 * shorter than its tensor, an operator reading a tensor that is produced later, and so on.
 */
public class InvalidModelException extends LiteQuantException {
  public InvalidModelException(String message) {
    super(message);
  }
}
