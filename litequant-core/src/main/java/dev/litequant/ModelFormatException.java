package dev.litequant;

/** The bytes given as a model are not a well-formed TensorFlow Lite flatbuffer. */
public class ModelFormatException extends LiteQuantException {
  public ModelFormatException(String message) {
    super(message);
  }
}
