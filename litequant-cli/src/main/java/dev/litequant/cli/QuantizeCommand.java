package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.CalibrationListener;
import dev.litequant.calibration.DatasetSpec;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.evaluate.FallbackSearch;
import dev.litequant.quantize.BiasType;
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
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "  dynamic    int8 weights, float activations, no --data: about 4x smaller;",
      "             FULLY_CONNECTED, CONV_2D and friends run hybrid int8 kernels.",
      "             Constants under --min-weight-elements (1024) stay float.",
      "  float16    float16 weights, no --data: about 2x smaller, nearly lossless;",
      "             runs anywhere float32 runs (weights are dequantized on load).",
      "  16x8       int16 activations, int8 weights, int64 biases, calibrated on",
      "             --data; more accurate than int8, about as small. Operators",
      "             without an int16 kernel stay float. 16x8-only: every",
      "             operator, or an error; --input-type/--output-type int16.",
      "",
      "Calibration runs the float model on every sample of --data in LiteQuant's",
      "interpreter and records each tensor's minimum and maximum (100 to 500",
      "representative samples are typical). The output file is written",
      "atomically: it appears complete or not at all.",
      ""
    },
    footer = {
      "",
      DataOptions.DATA_FORMS,
      "",
      "quantize checks --labels against the samples but does not need them.",
      "",
      "Examples:",
      "  litequant quantize model.tflite -o model_int8.tflite \\",
      "      --mode int8 --data calib.npy",
      "  litequant quantize model.tflite -o model_edge.tflite \\",
      "      --mode int8-only --data calib.npz --input-type int8 --output-type int8",
      "  litequant quantize conv_fc_mnist.tflite -o mnist_int8.tflite \\",
      "      --mode int8 --data mnist_images/ --scale 1/255",
      "  litequant quantize mobilenet.tflite -o mobilenet_int8.tflite --mode int8 \\",
      "      --data photos/ --scale 1/255 --mean 0.485,0.456,0.406 \\",
      "      --std 0.229,0.224,0.225",
      "  litequant quantize keywords.tflite -o keywords_int8.tflite --mode int8 \\",
      "      --data clips/",
      "  litequant quantize model.tflite -o q.tflite --mode int8 --data random:100 \\",
      "      --keep-float SOFTMAX --keep-float '.*/logits.*'"
    })
final class QuantizeCommand implements Callable<Integer> {
  private static final int MAX_LISTED = 12;

  @Parameters(paramLabel = "MODEL", description = "The float .tflite model.")
  Path model;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the quantized model.")
  Path output;

  @Option(names = "--mode", required = true, paramLabel = "MODE",
      description = "int8, int8-only, dynamic, float16, 16x8 or 16x8-only (see above).")
  String mode;

  @Mixin DataOptions dataOptions;

  @Option(names = "--input-type", paramLabel = "TYPE", defaultValue = "float32",
      description = "Type of the model's inputs: float32 (default); int8 or uint8 in int8 modes; int16 in "
          + "16x8 modes.")
  String inputType;

  @Option(names = "--output-type", paramLabel = "TYPE", defaultValue = "float32",
      description = "Type of the model's outputs, as --input-type.")
  String outputType;

  @Option(names = "--min-weight-elements", paramLabel = "N",
      description = "dynamic: constants with fewer elements stay float (default 1024).")
  Integer minWeightElements;

  @Option(names = "--bias", paramLabel = "TYPE", description = "16x8: bias type. int64, the default, is the one "
      + "TensorFlow Lite's 16x8 kernels run; int32 is refused with the reason.")
  String bias;

  @Option(names = "--per-channel-dense", description = "Per-channel FULLY_CONNECTED weights (TensorFlow Lite 2.6.2 "
      + "computes those wrongly; newer runtimes are fine).")
  boolean perChannelDense;

  @Option(names = "--keep-float", paramLabel = "OP_OR_REGEX", description = "Keep float the operators of this type "
      + "(e.g. SOFTMAX) or whose output tensor names match this regular expression. Repeatable.")
  List<String> keepFloat = new ArrayList<>();

  @Option(names = "--min-sqnr", paramLabel = "DB", description = "Keep the most harmful layers float, one at a "
      + "time, until the output SQNR against the float model on --data is at least DB (int8 and 16x8 modes). "
      + "20 dB is 1%% noise power; 30 dB 0.1%%.")
  Double minSqnr;

  @Option(names = "--max-accuracy-drop", paramLabel = "POINTS", description = "Keep the most harmful layers float, one at a "
      + "time, until top-1 accuracy on --data with its labels is at most POINTS percentage points below the float "
      + "model's (int8 and 16x8 modes).")
  Double maxAccuracyDrop;

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
    byte[] bytes = ModelFiles.readBytes(model, "model");
    DatasetSpec dataset = dataOptions.load(ModelReader.read(bytes));
    Progress progress = new Progress(err, "calibrating", quiet);
    Quantizer q = Quantizer.fromBytes(bytes).mode(m).inputType(in).outputType(outType).perChannelDense(perChannelDense)
        .listener(new CalibrationListener() {
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
    if (dataset != null) {
      q.representativeDataset(dataset.dataset());
    }
    if (minWeightElements != null) {
      q.minWeightElements(minWeightElements);
    }
    if (bias != null) {
      q.biasType(parseBias(bias));
    }
    keepFloat.forEach(q::keepFloat);
    q.checkOptions();
    if (dataset != null) {
      dataset.warnings().forEach(w -> err.println("litequant: warning: " + w));
    }
    if (dataset != null && dataset.isSynthetic()) {
      err.println("litequant: calibrating on " + dataset.description() + ": fine for trying LiteQuant, but the "
          + "model will only be accurate when calibrated on real inputs.");
    }
    if (minSqnr != null || maxAccuracyDrop != null) {
      return withFallback(out, err, bytes, m, in, outType, dataset);
    }
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

  /** Accuracy-aware quantization: quantize, measure, keep the worst layers float until the bound holds. */
  private int withFallback(PrintWriter out, PrintWriter err, byte[] bytes, QuantizationMode m, IoType in,
      IoType outType, DatasetSpec dataset) {
    if (minSqnr != null && maxAccuracyDrop != null) {
      throw new InvalidArgumentException("Give one bound: --min-sqnr or --max-accuracy-drop, not both.");
    }
    if (dataset == null) {
      throw new InvalidArgumentException((minSqnr != null ? "--min-sqnr" : "--max-accuracy-drop")
          + " measures the quantized model on --data, which is missing.");
    }
    FallbackSearch.Bound bound = minSqnr != null ? FallbackSearch.Bound.minSqnr(minSqnr)
        : FallbackSearch.Bound.maxAccuracyDrop(maxAccuracyDrop / 100);
    Supplier<Quantizer> fresh = () -> {
      Quantizer q = Quantizer.fromBytes(bytes).inputType(in).outputType(outType).perChannelDense(perChannelDense);
      keepFloat.forEach(q::keepFloat);
      if (bias != null) {
        q.biasType(parseBias(bias));
      }
      return q;
    };
    FallbackSearch.Outcome o = FallbackSearch.run(bytes, fresh, m, dataset.mainSamples(), dataset.labels(), bound,
        a -> {
          if (!quiet) {
            err.println("litequant: " + (a.keptFloat().isEmpty() ? "all layers quantized" : a.keptFloat().size()
                + " kept float") + ": " + measure(a.metrics(), bound) + (a.meetsBound() ? " - meets the bound"
                : ""));
          }
        });
    ModelFiles.writeAtomically(o.result().modelBytes(), output);
    summary(out, o.result(), m, in, outType, dataset);
    FallbackSearch.Attempt first = o.attempts().get(0);
    FallbackSearch.Attempt last = o.attempts().get(o.attempts().size() - 1);
    out.printf(Locale.ROOT, "  bound:     %s; all layers quantized: %s; now: %s%n",
        minSqnr != null ? String.format(Locale.ROOT, "output SQNR >= %.1f dB", minSqnr)
            : String.format(Locale.ROOT, "accuracy drop <= %.2f points", maxAccuracyDrop),
        measure(first.metrics(), bound), measure(last.metrics(), bound));
    if (!o.keptFloat().isEmpty()) {
      out.printf(Locale.ROOT, "  kept float to meet it (%d layers, +%s):%n", o.keptFloat().size(),
          Sizes.bytes(last.metrics().quantizedBytes() - first.metrics().quantizedBytes()));
      o.keptFloat().forEach(name -> out.println("    " + name));
    }
    if (!o.met()) {
      out.println("  the bound cannot be met: every layer that can be kept float is, and the model is still "
          + "short of it (the rest is input and output quantization). The last attempt was written.");
      return Main.EXIT_USER_ERROR;
    }
    return 0;
  }

  private static String measure(dev.litequant.evaluate.ModelMetrics metrics, FallbackSearch.Bound bound) {
    if (!Double.isNaN(bound.maxAccuracyDrop())) {
      return String.format(Locale.ROOT, "accuracy %.1f%% (float %.1f%%)", 100 * metrics.quantizedAccuracy(),
          100 * metrics.floatAccuracy());
    }
    return String.format(Locale.ROOT, "output SQNR %.2f dB", metrics.outputSqnr()[0]);
  }

  private void summary(PrintWriter out, QuantizationResult r, QuantizationMode m, IoType in, IoType o,
      DatasetSpec dataset) {
    String calibration = dataset == null ? "" : String.format(Locale.ROOT, "; calibration on %s took %.1f s",
        dataset.description(), r.calibrationMillis() / 1000.0);
    out.printf(Locale.ROOT, "Quantized %s (%s, %s inputs, %s outputs) in %.1f s%s.%n", model.getFileName(),
        describe(m), in.name().toLowerCase(Locale.ROOT), o.name().toLowerCase(Locale.ROOT), r.totalMillis() / 1000.0,
        calibration);
    out.printf(Locale.ROOT, "  size:      %s -> %s (%.2fx)%n", Sizes.bytes(r.originalBytes()),
        Sizes.bytes(r.quantizedBytes()), r.sizeRatio());
    List<OperatorDecision> floats = r.floatOperators();
    long removed = r.operators().stream().filter(d -> d.outcome() == OperatorDecision.Outcome.REMOVED).count();
    String quantized = switch (m) {
      case INT8, INT8_ONLY -> "int8";
      case INT16X8, INT16X8_ONLY -> "int16";
      case DYNAMIC -> "with int8 weights";
      case FLOAT16 -> "with float16 weights";
    };
    out.printf(Locale.ROOT, "  operators: %d %s, %d float%s%n", r.quantizedCount(), quantized, floats.size(),
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

  private static String describe(QuantizationMode m) {
    return switch (m) {
      case INT8 -> "int8 with float fallback";
      case INT8_ONLY -> "integer only";
      case DYNAMIC -> "dynamic range: int8 weights, float activations";
      case FLOAT16 -> "float16 weights";
      case INT16X8 -> "16x8 with float fallback";
      case INT16X8_ONLY -> "16x8 only";
    };
  }

  /** "kept float (--keep-float X matches 'name')" names one tensor; the summary groups by selector. */
  private static String withoutTensorName(String reason) {
    if (reason.contains("--keep-float \\Q")) {
      return "kept float to meet the bound";
    }
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
    QuantizationMode m = QuantizationMode.byCliName(s);
    if (m == null) {
      throw new InvalidArgumentException("--mode " + s + " is not a mode; use int8, int8-only, dynamic, float16, "
          + "16x8 or 16x8-only (see litequant quantize --help).");
    }
    return m;
  }

  private static BiasType parseBias(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "int32" -> BiasType.INT32;
      case "int64" -> BiasType.INT64;
      default -> throw new InvalidArgumentException("--bias " + s + " is not a bias type; use int64 or int32.");
    };
  }

  private static IoType parseIo(String s, String option) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "float32", "float" -> IoType.FLOAT32;
      case "int8" -> IoType.INT8;
      case "uint8" -> IoType.UINT8;
      case "int16" -> IoType.INT16;
      default -> throw new InvalidArgumentException(option + " " + s + " is not a type; use float32, int8, uint8 or "
          + "int16.");
    };
  }
}
