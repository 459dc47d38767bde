package dev.litequant.bench;

import dev.litequant.graph.Model;
import dev.litequant.io.ModelReader;
import dev.litequant.oracle.NativeInterpreter;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorSpec;
import dev.litequant.runtime.TensorValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Times LiteQuant's interpreter and TensorFlow Lite 2.6.2 (one thread, XNNPACK off, built-in
 * kernels) on the same models and inputs, in the same process, alternating short rounds of each so
 * that both see the same machine load, and prints the median latencies and their ratio.
 *
 * <p>Usage: {@code bench [--rounds N] [--iterations N] [--reference] MODEL...}
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    int rounds = 15;
    int iterations = 200;
    boolean reference = false;
    List<Path> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--reference" -> reference = true;
        default -> models.add(Path.of(args[i]));
      }
    }
    if (models.isEmpty()) {
      System.err.println("usage: bench [--rounds N] [--iterations N] [--reference] MODEL.tflite...");
      System.exit(2);
    }
    InterpreterOptions options = reference ? InterpreterOptions.referenceKernels() : InterpreterOptions.defaults();
    System.out.printf(Locale.ROOT, "Java %s, %s, LiteQuant %s kernels, TensorFlow Lite %s; %d rounds x %d runs%n",
        System.getProperty("java.version"), System.getProperty("os.arch"),
        options.kernels().usesFastKernels() ? "fast (Vector API)" : "reference", NativeInterpreter.runtimeVersion(),
        rounds, iterations);
    System.out.printf(Locale.ROOT, "%-32s %14s %14s %8s%n", "model", "LiteQuant ms", "TFLite ms", "ratio");
    for (Path p : models) {
      benchmark(p, options, rounds, iterations);
    }
  }

  private static void benchmark(Path path, InterpreterOptions options, int rounds, int iterations) throws Exception {
    byte[] bytes = Files.readAllBytes(path);
    Model model = ModelReader.read(bytes);
    Interpreter ours = Interpreter.create(model, options);
    Random r = new Random(1);
    List<byte[]> raw = new ArrayList<>();
    List<TensorValue> values = new ArrayList<>();
    for (int i = 0; i < ours.inputCount(); i++) {
      TensorValue v = randomInput(ours.input(i), r);
      values.add(v);
      raw.add(v.toBytes());
    }
    // Both sides copy the inputs in and run; neither allocates per run.
    Runnable oursRun = () -> {
      for (int i = 0; i < values.size(); i++) {
        ours.setInput(i, values.get(i));
      }
      ours.invoke();
    };
    double[] oursMs = new double[rounds];
    double[] theirsMs = new double[rounds];
    try (NativeInterpreter theirs = new NativeInterpreter(bytes)) {
      Runnable theirsRun = theirs.runner(raw);
      // Warm up for a couple of seconds each, so that the JIT has compiled LiteQuant's hot loops.
      warmUp(oursRun, 2_000);
      warmUp(theirsRun, 2_000);
      for (int round = 0; round < rounds; round++) {
        oursMs[round] = time(oursRun, iterations);
        theirsMs[round] = time(theirsRun, iterations);
      }
    }
    double a = median(oursMs);
    double b = median(theirsMs);
    System.out.printf(Locale.ROOT, "%-32s %14.4f %14.4f %8.2f%n", path.getFileName(), a, b, a / b);
  }

  private static void warmUp(Runnable task, long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      for (int i = 0; i < 50; i++) {
        task.run();
      }
    }
  }

  /** Milliseconds per run, over {@code n} runs. */
  private static double time(Runnable task, int n) {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      task.run();
    }
    return (System.nanoTime() - start) / 1e6 / n;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static TensorValue randomInput(TensorSpec spec, Random r) {
    int n = (int) spec.shape().elementCount();
    return switch (spec.type()) {
      case FLOAT32 -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = r.nextFloat();
        }
        yield TensorValue.ofFloats(spec.shape(), v);
      }
      case INT8, UINT8 -> {
        byte[] v = new byte[n];
        r.nextBytes(v);
        yield TensorValue.ofBytes(spec.type(), spec.shape(), v);
      }
      default -> throw new IllegalArgumentException("no random input for " + spec);
    };
  }
}
