package dev.litequant;

/** The model is valid TensorFlow Lite, but uses something LiteQuant cannot handle faithfully. */
public class UnsupportedModelException extends LiteQuantException {
  public UnsupportedModelException(String message) {
    super(message);
  }
}
