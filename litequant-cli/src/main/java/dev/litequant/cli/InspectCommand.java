package dev.litequant.cli;

import dev.litequant.graph.Model;
import dev.litequant.inspect.ModelSummary;
import dev.litequant.inspect.ModelSummary.OpCount;
import dev.litequant.inspect.ModelSummary.SignatureInfo;
import dev.litequant.inspect.ModelSummary.SubgraphInfo;
import dev.litequant.inspect.ModelSummary.TensorInfo;
import dev.litequant.inspect.ModelSummary.TypeStat;
import dev.litequant.inspect.ModelSummary.WeightQuantization;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Summarise a .tflite model: its signatures and subgraphs with their inputs",
      "and outputs, operator counts with versions, tensor types of constants and",
      "activations, how the weights are quantized (per tensor or per channel, on",
      "which axis), and where the bytes go.",
      "",
      "The model is fully verified while it is read: a truncated or corrupted",
      "file, or one whose graph is inconsistent, is reported with what is wrong",
      "and where (exit code 2)."
    },
    footer = {
      "",
      "Examples:",
      "  litequant inspect model.tflite",
      "  litequant inspect --json model.tflite | jq '.operators'",
      "  litequant inspect --all model_int8.tflite   # every quantized constant"
    })
final class InspectCommand implements Callable<Integer> {
  private static final int DEFAULT_WEIGHT_ROWS = 20;

  @Parameters(paramLabel = "MODEL", description = "The .tflite file to inspect.")
  Path model;

  @Option(names = "--json", description = "Print the summary as JSON, for scripts.")
  boolean json;

  @Option(names = "--all", description = "List every quantized constant, not just the first "
      + DEFAULT_WEIGHT_ROWS + ".")
  boolean all;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    byte[] bytes = ModelFiles.readBytes(model, "model");
    Model m = ModelReader.read(bytes);
    ModelSummary s = ModelSummary.of(m, bytes.length);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(Json.write(s.toJsonTree()));
    } else {
      out.print(render(s));
    }
    out.flush();
    return 0;
  }

  private String render(ModelSummary s) {
    StringBuilder sb = new StringBuilder();
    sb.append("Model ").append(model.getFileName()).append(": ").append(Sizes.bytes(s.fileBytes()))
        .append(", schema version ").append(s.schemaVersion());
    if (s.description() != null && !s.description().isBlank()) {
      sb.append(", \"").append(s.description()).append('"');
    }
    sb.append("\n\n");

    if (!s.signatures().isEmpty()) {
      sb.append("Signatures\n");
      for (SignatureInfo sig : s.signatures()) {
        sb.append("  ").append(sig.key() == null ? "(no key)" : sig.key())
            .append(" (subgraph ").append(sig.subgraph()).append(")\n");
        TextTable t = new TextTable("    ");
        sig.inputs().forEach((k, v) -> t.row("input", k, describe(v), "tensor " + v.index() + " '" + abbreviate(v.name()) + "'"));
        sig.outputs().forEach((k, v) -> t.row("output", k, describe(v), "tensor " + v.index() + " '" + abbreviate(v.name()) + "'"));
        sb.append(t.render());
      }
      sb.append('\n');
    }

    sb.append("Subgraphs\n");
    for (SubgraphInfo g : s.subgraphs()) {
      sb.append("  ").append(g.index()).append(g.name() == null ? "" : " '" + g.name() + "'").append(": ")
          .append(g.operatorCount()).append(" operators, ").append(g.tensorCount()).append(" tensors\n");
      TextTable t = new TextTable("    ");
      for (TensorInfo v : g.inputs()) {
        t.row("input", "tensor " + v.index(), "'" + abbreviate(v.name()) + "'", describe(v));
      }
      for (TensorInfo v : g.outputs()) {
        t.row("output", "tensor " + v.index(), "'" + abbreviate(v.name()) + "'", describe(v));
      }
      sb.append(t.render());
    }
    sb.append('\n');

    int total = s.operators().stream().mapToInt(OpCount::count).sum();
    sb.append("Operators (").append(total).append(")\n");
    TextTable ops = new TextTable("  ");
    for (OpCount c : s.operators()) {
      ops.row(c.op(), "v" + c.version(), "x" + c.count());
    }
    sb.append(ops.render()).append('\n');

    sb.append("Tensor types\n");
    TextTable types = new TextTable("  ");
    for (TypeStat t : s.constantTypes()) {
      types.row("constants", t.type(), t.tensors() + " tensors", Sizes.bytes(t.bytes()));
    }
    for (TypeStat t : s.activationTypes()) {
      types.row("activations", t.type(), t.tensors() + " tensors", "");
    }
    sb.append(types.render()).append('\n');

    sb.append("Quantized constants");
    List<WeightQuantization> ws = s.weights();
    if (ws.isEmpty()) {
      sb.append(": none (the weights are not quantized)\n");
    } else {
      long perChannel = ws.stream().filter(WeightQuantization::perChannel).count();
      sb.append(": ").append(ws.size()).append(" (").append(perChannel).append(" per-channel, ")
          .append(ws.size() - perChannel).append(" per-tensor)\n");
      TextTable t = new TextTable("  ");
      t.row("tensor", "type", "shape", "scheme", "used by");
      int shown = all ? ws.size() : Math.min(ws.size(), DEFAULT_WEIGHT_ROWS);
      for (WeightQuantization w : ws.subList(0, shown)) {
        String scheme = w.perChannel() ? "per-channel, axis " + w.axis() + " (" + w.channels() + ")" : "per-tensor";
        t.row(abbreviate(w.tensor()), w.type(), Arrays.toString(w.shape()), scheme, w.usedBy());
      }
      sb.append(t.render());
      if (shown < ws.size()) {
        sb.append("  ... and ").append(ws.size() - shown).append(" more (use --all to list them)\n");
      }
    }
    sb.append('\n');

    sb.append("Size: ").append(Sizes.bytes(s.fileBytes())).append(" file, ")
        .append(Sizes.bytes(s.constantBytes())).append(" of constant data");
    if (!s.constantTypes().isEmpty()) {
      sb.append(" (");
      boolean first = true;
      for (TypeStat t : s.constantTypes()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        sb.append(t.type()).append(' ').append(Sizes.bytes(t.bytes()));
      }
      sb.append(')');
    }
    sb.append('\n');
    sb.append("Metadata: ").append(s.metadata().isEmpty() ? "none" : String.join(", ", s.metadata())).append('\n');
    return sb.toString();
  }

  /** Converter names can join a dozen fused op names; keep both ends, which tell them apart. */
  static String abbreviate(String name) {
    int max = 56;
    return name.length() <= max ? name : name.substring(0, 24) + "..." + name.substring(name.length() - (max - 27));
  }

  private static String describe(TensorInfo t) {
    String q = t.scale() == null ? "" : "  (scale " + t.scale() + ", zero point " + t.zeroPoint() + ")";
    String sig = t.shapeSignature() == null || Arrays.equals(t.shapeSignature(), t.shape())
        ? "" : " signature " + Arrays.toString(t.shapeSignature());
    return t.type() + " " + Arrays.toString(t.shape()) + sig + q;
  }

}
