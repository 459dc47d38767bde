package dev.litequant.quantize;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;

/**
 * Last step: the written bytes are read back and every entry point is prepared in LiteQuant's
 * interpreter, whose int8 kernels check what TensorFlow Lite 2.6.2 checks when it prepares them
 * (multipliers it would abort on, parameters it requires). A model that fails here is never handed
 * to the user: that would be a LiteQuant bug, reported as one.
 */
final class VerifyQuantizedModel {
  private VerifyQuantizedModel() {}

  static void apply(byte[] bytes) {
    try {
      Model m = ModelReader.read(bytes);
      Interpreter.create(m, InterpreterOptions.referenceKernels());
      for (SignatureDef s : m.signatures()) {
        if (m.indexOf(s.subgraph()) != 0) {
          Interpreter.forSignature(m, s.key(), InterpreterOptions.referenceKernels());
        }
      }
    } catch (LiteQuantException e) {
      throw new IllegalStateException("LiteQuant produced a quantized model that does not pass its own "
          + "interpreter's checks, so it was not written: " + e.getMessage(), e);
    }
  }
}
