package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.CalibrationListener;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.quantize.IoType;
import dev.litequant.quantize.OperatorDecision;
import dev.litequant.quantize.QuantizationMode;
import dev.litequant.quantize.QuantizationResult;
import dev.litequant.quantize.Quantizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = {
      "Quantize a float .tflite model after training.",
      "",
      "Modes:",
      "  int8       full integer with float fallback: int8 weights (symmetric, per",
      "             channel for convolutions) and int8 activations calibrated on",
      "             --data; operators without an int8 kernel stay float between",
      "             DEQUANTIZE and QUANTIZE. Float I/O unless --input-type or",
      "             --output-type say otherwise.",
      "  int8-only  every operator int8, or an error listing those that cannot be",
      "             (for Edge TPUs and microcontrollers); usually with",
      "             --input-type int8 --output-type int8.",
      "",
      "Calibration runs the float model on every sample of --data in LiteQuant's",
      "interpreter and records each tensor's minimum and maximum (100 to 500",
      "representative samples are typical). The output file is written",
      "atomically: it appears complete or not at all.",
      ""
    },
    footer = {
      "",
      "DATA is one of:",
      "  FILE.npy    samples stacked along the first axis, for a model with one input",
      "              (a [500, 28, 28, 1] float32 array for a [1, 28, 28, 1] input)",
      "  FILE.npz    arrays keyed by input name",
      "              (np.savez('data.npz', image=x, mask=m));",
      "              for a model with several signatures, keys SIGNATURE/INPUT",
      "  random:N    N synthetic samples, uniform in [0, 1): only for trying the tool",
      "",
      "Examples:",
      "  litequant quantize model.tflite -o model_int8.tflite \\",
      "      --mode int8 --data calib.npy",
      "  litequant quantize model.tflite -o model_edge.tflite \\",
      "      --mode int8-only --data calib.npz --input-type int8 --output-type int8",
      "  litequant quantize model.tflite -o q.tflite --mode int8 --data random:100 \\",
      "      --keep-float SOFTMAX --keep-float '.*/logits.*'"
    })
final class QuantizeCommand implements Callable<Integer> {
  private static final int MAX_LISTED = 12;

  @Parameters(paramLabel = "MODEL", description = "The float .tflite model.")
  Path model;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the quantized model.")
  Path output;

  @Option(names = "--mode", required = true, paramLabel = "MODE", description = "int8 or int8-only (see above).")
  String mode;

  @Option(names = "--data", paramLabel = "DATA", description = "The representative data set (see below).")
  String data;

  @Option(names = "--input-type", paramLabel = "TYPE", defaultValue = "float32",
      description = "Type of the model's inputs: float32 (default), int8 or uint8.")
  String inputType;

  @Option(names = "--output-type", paramLabel = "TYPE", defaultValue = "float32",
      description = "Type of the model's outputs: float32 (default), int8 or uint8.")
  String outputType;

  @Option(names = "--per-channel-dense", description = "Per-channel FULLY_CONNECTED weights (TensorFlow Lite 2.6.2 "
      + "computes those wrongly; newer runtimes are fine).")
  boolean perChannelDense;

  @Option(names = "--keep-float", paramLabel = "OP_OR_REGEX", description = "Keep float the operators of this type "
      + "(e.g. SOFTMAX) or whose output tensor names match this regular expression. Repeatable.")
  List<String> keepFloat = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "No progress, only the summary.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    QuantizationMode m = parseMode(mode);
    IoType in = parseIo(inputType, "--input-type");
    IoType outType = parseIo(outputType, "--output-type");
    if (data == null) {
      throw new InvalidArgumentException("--mode " + mode + " calibrates the activations and needs --data "
          + "(a .npy or .npz file of representative inputs, or random:N to try the tool).");
    }
    byte[] bytes = ModelFiles.readBytes(model, "model");
    DatasetSpec dataset = DatasetSpec.parse(data, ModelReader.read(bytes));
    if (dataset.isSynthetic()) {
      err.println("litequant: calibrating on " + dataset.description() + ": fine for trying LiteQuant, but the "
          + "model will only be accurate when calibrated on real inputs.");
    }
    Progress progress = new Progress(err, "calibrating", quiet);
    Quantizer q = Quantizer.fromBytes(bytes).mode(m).representativeDataset(dataset.dataset()).inputType(in)
        .outputType(outType).perChannelDense(perChannelDense).listener(new CalibrationListener() {
          int done;

          @Override
          public void sampleDone(String signature, int n, int total) {
            progress.update(++done, dataset.samples());
          }

          @Override
          public void warning(String message) {
            progress.finish();
            err.println("litequant: warning: " + message);
          }
        });
    keepFloat.forEach(q::keepFloat);
    QuantizationResult r;
    try {
      r = q.quantize();
    } finally {
      progress.finish();
    }
    ModelFiles.writeAtomically(r.modelBytes(), output);
    summary(out, r, m, in, outType, dataset);
    return 0;
  }

  private void summary(PrintWriter out, QuantizationResult r, QuantizationMode m, IoType in, IoType o,
      DatasetSpec dataset) {
    out.printf(Locale.ROOT, "Quantized %s (%s, %s inputs, %s outputs) in %.1f s; calibration on %s took %.1f s.%n",
        model.getFileName(), m == QuantizationMode.INT8 ? "int8 with float fallback" : "integer only",
        in.name().toLowerCase(Locale.ROOT), o.name().toLowerCase(Locale.ROOT), r.totalMillis() / 1000.0,
        dataset.description(), r.calibrationMillis() / 1000.0);
    out.printf(Locale.ROOT, "  size:      %s -> %s (%.2fx)%n", Sizes.bytes(r.originalBytes()),
        Sizes.bytes(r.quantizedBytes()), r.sizeRatio());
    List<OperatorDecision> floats = r.floatOperators();
    long removed = r.operators().stream().filter(d -> d.outcome() == OperatorDecision.Outcome.REMOVED).count();
    out.printf(Locale.ROOT, "  operators: %d int8, %d float%s%n", r.quantizedCount(), floats.size(),
        removed > 0 ? ", " + removed + " constant DEQUANTIZE folded into weights" : "");
    Map<String, Map<Integer, List<Integer>>> byReason = new TreeMap<>();
    for (OperatorDecision d : floats) {
      byReason.computeIfAbsent(d.op() + ": " + withoutTensorName(d.reason()), k -> new TreeMap<>())
          .computeIfAbsent(d.subgraph(), k -> new ArrayList<>()).add(d.index());
    }
    byReason.forEach((reason, where) -> out.println("    float " + reason + " (" + where(where) + ")"));
    for (String w : r.warnings()) {
      out.println("  warning: " + w);
    }
    out.println("  wrote " + output);
  }

  /** "kept float (--keep-float X matches 'name')" names one tensor; the summary groups by selector. */
  private static String withoutTensorName(String reason) {
    int i = reason.indexOf(" matches '");
    return i < 0 ? reason : reason.substring(0, i) + ")";
  }

  private static String where(Map<Integer, List<Integer>> bySubgraph) {
    List<String> parts = new ArrayList<>();
    bySubgraph.forEach((subgraph, ops) -> {
      String list = ops.size() <= MAX_LISTED ? join(ops)
          : join(ops.subList(0, MAX_LISTED)) + " and " + (ops.size() - MAX_LISTED) + " more";
      parts.add((bySubgraph.size() > 1 ? "subgraph " + subgraph + ": " : "") + "operator"
          + (ops.size() > 1 ? "s " : " ") + list);
    });
    return String.join("; ", parts);
  }

  private static String join(List<Integer> ops) {
    return String.join(", ", ops.stream().map(String::valueOf).toList());
  }

  private static QuantizationMode parseMode(String s) {
    return switch (s) {
      case "int8" -> QuantizationMode.INT8;
      case "int8-only" -> QuantizationMode.INT8_ONLY;
      default -> throw new InvalidArgumentException("--mode " + s + " is not a mode; use int8 (float fallback) or "
          + "int8-only (integer only).");
    };
  }

  private static IoType parseIo(String s, String option) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "float32", "float" -> IoType.FLOAT32;
      case "int8" -> IoType.INT8;
      case "uint8" -> IoType.UINT8;
      default -> throw new InvalidArgumentException(option + " " + s + " is not a type; use float32, int8 or uint8.");
    };
  }
}
