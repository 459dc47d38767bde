package dev.litequant.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Structural comparison of two models: the same subgraphs, tensors (by position), operators,
 * options, constant data, buffer sharing, signatures and metadata. Tensor identity is compared by
 * position in the subgraph's tensor list; a null buffer equals an empty one.
 */
public final class ModelDiff {
  private static final int MAX_DIFFERENCES = 20;

  private final List<String> differences = new ArrayList<>();

  private ModelDiff() {}

  /** The differences between two models (empty when they are equal), at most 20. */
  public static List<String> compare(Model a, Model b) {
    ModelDiff d = new ModelDiff();
    d.models(a, b);
    return List.copyOf(d.differences);
  }

  private void differ(String what, Object x, Object y) {
    if (differences.size() < MAX_DIFFERENCES) {
      differences.add(what + ": " + x + " vs " + y);
    }
  }

  private void check(String what, Object x, Object y) {
    if (!Objects.deepEquals(x, y)) {
      differ(what, render(x), render(y));
    }
  }

  private static Object render(Object o) {
    return o != null && o.getClass().isArray() ? Arrays.deepToString(new Object[] {o}) : o;
  }

  private void models(Model a, Model b) {
    check("version", a.version(), b.version());
    check("description", a.description(), b.description());
    check("subgraph count", a.subgraphs().size(), b.subgraphs().size());
    int n = Math.min(a.subgraphs().size(), b.subgraphs().size());
    for (int s = 0; s < n; s++) {
      subgraphs(a.subgraphs().get(s), b.subgraphs().get(s), "subgraph " + s);
    }
    bufferSharing(a, b);
    check("metadata count", a.metadata().size(), b.metadata().size());
    for (int i = 0; i < Math.min(a.metadata().size(), b.metadata().size()); i++) {
      Metadata x = a.metadata().get(i);
      Metadata y = b.metadata().get(i);
      check("metadata " + i + " name", x.name(), y.name());
      check("metadata " + i + " data", x.buffer().toByteArray(), y.buffer().toByteArray());
    }
    check("metadata_buffer count", a.metadataBuffers().size(), b.metadataBuffers().size());
    check("signature count", a.signatures().size(), b.signatures().size());
    for (int i = 0; i < Math.min(a.signatures().size(), b.signatures().size()); i++) {
      SignatureDef x = a.signatures().get(i);
      SignatureDef y = b.signatures().get(i);
      String w = "signature " + i;
      check(w + " key", x.key(), y.key());
      check(w + " subgraph", a.indexOf(x.subgraph()), b.indexOf(y.subgraph()));
      check(w + " inputs", tensorMap(x.inputs(), x.subgraph()), tensorMap(y.inputs(), y.subgraph()));
      check(w + " outputs", tensorMap(x.outputs(), x.subgraph()), tensorMap(y.outputs(), y.subgraph()));
    }
  }

  private static List<String> tensorMap(Map<String, Tensor> m, Subgraph g) {
    List<String> out = new ArrayList<>();
    m.forEach((k, t) -> out.add(k + "=" + g.indexOf(t)));
    return out;
  }

  private void subgraphs(Subgraph a, Subgraph b, String w) {
    check(w + " name", a.name(), b.name());
    check(w + " tensor count", a.tensors().size(), b.tensors().size());
    for (int i = 0; i < Math.min(a.tensors().size(), b.tensors().size()); i++) {
      tensors(a.tensors().get(i), b.tensors().get(i), w + " tensor " + i);
    }
    check(w + " inputs", indices(a, a.inputs()), indices(b, b.inputs()));
    check(w + " outputs", indices(a, a.outputs()), indices(b, b.outputs()));
    check(w + " operator count", a.operators().size(), b.operators().size());
    for (int i = 0; i < Math.min(a.operators().size(), b.operators().size()); i++) {
      Operator x = a.operators().get(i);
      Operator y = b.operators().get(i);
      String o = w + " operator " + i + " (" + x.displayName() + ")";
      check(o + " code", x.builtinCode(), y.builtinCode());
      check(o + " custom code", x.customCode(), y.customCode());
      check(o + " version", x.version(), y.version());
      check(o + " inputs", indices(a, x.inputs()), indices(b, y.inputs()));
      check(o + " outputs", indices(a, x.outputs()), indices(b, y.outputs()));
      check(o + " intermediates", indices(a, x.intermediates()), indices(b, y.intermediates()));
      check(o + " options", x.options(), y.options());
      check(o + " options2", x.options2(), y.options2());
      check(o + " custom options", x.customOptions(), y.customOptions());
      check(o + " custom options format", x.customOptionsFormat(), y.customOptionsFormat());
      check(o + " mutating inputs", x.mutatingVariableInputs(), y.mutatingVariableInputs());
    }
  }

  private void tensors(Tensor a, Tensor b, String w) {
    check(w + " name", a.name(), b.name());
    check(w + " type", a.type(), b.type());
    check(w + " shape", a.shape(), b.shape());
    check(w + " shape signature", a.shapeSignature(), b.shapeSignature());
    check(w + " quantization", a.quantization(), b.quantization());
    check(w + " variable", a.isVariable(), b.isVariable());
    check(w + " has_rank", a.hasRank(), b.hasRank());
    check(w + " sparsity", a.sparsity(), b.sparsity());
    check(w + " variant tensors", a.variantTensors(), b.variantTensors());
    byte[] x = a.isConstant() ? a.buffer().toByteArray() : new byte[0];
    byte[] y = b.isConstant() ? b.buffer().toByteArray() : new byte[0];
    if (!Arrays.equals(x, y)) {
      differ(w + " data", x.length + " bytes", y.length + " bytes (different content)");
    }
  }

  private static List<Integer> indices(Subgraph g, List<Tensor> tensors) {
    List<Integer> out = new ArrayList<>();
    for (Tensor t : tensors) {
      out.add(t == null ? -1 : g.indexOf(t));
    }
    return out;
  }

  /** Compares which constant tensors share one buffer object, numbering buffers by first use. */
  private void bufferSharing(Model a, Model b) {
    check("buffer sharing", sharing(a), sharing(b));
  }

  private static List<Integer> sharing(Model m) {
    Map<Buffer, Integer> ids = new IdentityHashMap<>();
    List<Integer> out = new ArrayList<>();
    for (Subgraph g : m.subgraphs()) {
      for (Tensor t : g.tensors()) {
        if (t.isConstant()) {
          out.add(ids.computeIfAbsent(t.buffer(), k -> ids.size()));
        } else {
          out.add(-1);
        }
      }
    }
    return out;
  }
}
