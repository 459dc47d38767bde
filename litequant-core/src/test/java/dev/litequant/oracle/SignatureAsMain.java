package dev.litequant.oracle;

import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;

/**
 * TensorFlow Lite 2.6.2's Java {@code runSignature} runs subgraph 0 whatever the signature says
 * (it resolves the signature's tensor indices in the main subgraph), so a signature of another
 * subgraph is tested by moving that subgraph to the front. Only for models without control flow,
 * whose options refer to subgraphs by index.
 */
public final class SignatureAsMain {
  private SignatureAsMain() {}

  public static byte[] rewrite(byte[] modelBytes, String key) {
    Model m = ModelReader.read(modelBytes);
    SignatureDef sig = m.signature(key);
    if (sig == null) {
      throw new IllegalArgumentException("no signature " + key);
    }
    Subgraph g = sig.subgraph();
    m.subgraphs().remove(g);
    m.subgraphs().add(0, g);
    return ModelWriter.write(m);
  }
}
