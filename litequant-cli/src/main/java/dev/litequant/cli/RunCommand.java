package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.Npy;
import dev.litequant.data.SampleStack;
import dev.litequant.graph.Model;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorSpec;
import dev.litequant.runtime.TensorValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a model on inputs from .npy files; write its outputs as .npy files.",
      "",
      "The model runs in LiteQuant's own interpreter. Each output is written to",
      "DIR/output_0.npy, DIR/output_1.npy, ... (in the model's output order), in",
      "the output's own dtype.",
      "",
      "Give each input as NAME=FILE.npy, NAME being the input's signature name or",
      "tensor name ('litequant inspect MODEL' lists them); a model with one input",
      "also takes a plain FILE.npy. A file must have its input's dtype: float32,",
      "int32, int64, int8, uint8, int16 or bool.",
      "",
      "A file with exactly as many values as its input is one sample, whatever",
      "its dimensions (a [28, 28] image for a [1, 28, 28, 1] input). A file with",
      "more holds samples along its first axis: a [N, 28, 28, 1] file for that",
      "input runs N samples, and each output is stacked along its first axis (a",
      "[1, 10] output is written as [N, 10]; other outputs get a new first axis",
      "of N). All inputs must hold the same number of samples. Stateful models",
      "(LSTMs) start every sample from their initial state."
    },
    footer = {
      "",
      "Examples:",
      "  litequant run model.tflite --input digits.npy --output-dir out",
      "  litequant run model.tflite --input image=img.npy \\",
      "      --input mask=mask.npy --output-dir out",
      "  litequant run model.tflite --signature serving_default \\",
      "      --input x=batch.npy --output-dir out",
      "",
      "From Python, before and after:",
      "  np.save('digits.npy', x.astype(np.float32))",
      "  y = np.load('out/output_0.npy')"
    })
final class RunCommand implements Callable<Integer> {
  /** Progress is shown on stderr once a run has taken this long, and then as often. */
  private static final long PROGRESS_NANOS = 2_000_000_000L;

  @Parameters(paramLabel = "MODEL", description = "The .tflite model to run.")
  Path model;

  @Option(names = "--input", paramLabel = "[NAME=]FILE.npy",
      description = "A model input from a .npy file; repeat for each input. NAME may be omitted when the model "
          + "has one input.")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--output-dir", paramLabel = "DIR", required = true,
      description = "Where to write output_0.npy, output_1.npy, ... (created if needed; existing files of those "
          + "names are replaced).")
  Path outputDir;

  @Option(names = "--signature", paramLabel = "KEY",
      description = "Run this signature (its subgraph, with its input and output names) instead of the main "
          + "subgraph.")
  String signature;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
      throw new InvalidArgumentException("The output directory " + outputDir + " is a file.");
    }
    Model m = ModelReader.read(ModelFiles.readBytes(model, "model"));
    Interpreter it = signature == null ? Interpreter.create(m)
        : Interpreter.forSignature(m, signature, InterpreterOptions.defaults());
    for (TensorSpec out : it.outputs()) {
      if (!Npy.supports(out.type())) {
        throw new InvalidArgumentException("Output " + out + " is " + out.type().displayName()
            + ", which LiteQuant cannot write as .npy.");
      }
    }
    RunInputs in = RunInputs.load(it, inputs);
    long runStart = System.nanoTime();
    List<List<TensorValue>> results = runAll(it, in);
    long runNanos = System.nanoTime() - runStart;
    List<TensorValue> outputs = new ArrayList<>();
    for (List<TensorValue> perSample : results) {
      outputs.add(in.stacked() ? SampleStack.stack(perSample) : perSample.get(0));
    }
    List<Path> written = write(outputs);
    printSummary(it, in, outputs, written, runNanos, System.nanoTime() - start);
    return 0;
  }

  /** For each output, its value for every sample. */
  private List<List<TensorValue>> runAll(Interpreter it, RunInputs in) {
    int samples = in.sampleCount();
    List<List<TensorValue>> results = new ArrayList<>();
    for (int o = 0; o < it.outputCount(); o++) {
      results.add(new ArrayList<>(samples));
    }
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_NANOS;
    for (int i = 0; i < samples; i++) {
      it.resetVariables();
      for (int k = 0; k < it.inputCount(); k++) {
        it.setInput(k, in.sample(k, i));
      }
      it.invoke();
      for (int o = 0; o < it.outputCount(); o++) {
        results.get(o).add(it.getOutput(o));
      }
      long now = System.nanoTime();
      if (now >= nextProgress && i + 1 < samples) {
        err.printf(Locale.ROOT, "  %d of %d samples (%.1f s)%n", i + 1, samples, (now - start) / 1e9);
        err.flush();
        nextProgress = now + PROGRESS_NANOS;
      }
    }
    return results;
  }

  /** Writes every output, or (if one write fails) none: those already written are removed. */
  private List<Path> write(List<TensorValue> outputs) {
    List<byte[]> files = new ArrayList<>();
    for (TensorValue v : outputs) {
      files.add(Npy.toBytes(v));
    }
    List<Path> written = new ArrayList<>();
    try {
      for (int o = 0; o < files.size(); o++) {
        Path p = outputDir.resolve("output_" + o + ".npy");
        ModelFiles.writeAtomically(files.get(o), p);
        written.add(p);
      }
    } catch (RuntimeException e) {
      for (Path p : written) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // The write failure is the error worth reporting.
        }
      }
      throw e;
    }
    return written;
  }

  private void printSummary(Interpreter it, RunInputs in, List<TensorValue> outputs, List<Path> written,
      long runNanos, long totalNanos) {
    PrintWriter out = spec.commandLine().getOut();
    int samples = in.sampleCount();
    out.printf(Locale.ROOT, "Ran %d sample%s of %s in %s (%s per sample; %s in all).%n", samples,
        samples == 1 ? "" : "s", model.getFileName(), duration(runNanos), duration(runNanos / samples),
        duration(totalNanos));
    out.printf("Wrote %d output%s to %s:%n", written.size(), written.size() == 1 ? "" : "s", outputDir);
    TextTable t = new TextTable("  ");
    for (int o = 0; o < written.size(); o++) {
      TensorValue v = outputs.get(o);
      t.row(written.get(o).getFileName(), "'" + it.output(o).name() + "'", v.type().displayName(), v.shape());
    }
    out.print(t.render());
    out.flush();
  }

  private static String duration(long nanos) {
    if (nanos < 1_000_000L) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    if (nanos < 10_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
