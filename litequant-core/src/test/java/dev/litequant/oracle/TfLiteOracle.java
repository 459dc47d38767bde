package dev.litequant.oracle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real TensorFlow Lite 2.6.2 interpreter, the oracle LiteQuant's runtime, writer and quantizer
 * are checked against (test scope only).
 *
 * <p>It runs in a separate worker process: the 2.6.2 native library corrupts its heap or aborts on
 * some models, and that must fail one test, not kill the test JVM. Each call sends the whole
 * model, so a crash costs only that call; the worker is restarted on the next one.
 */
public final class TfLiteOracle {
  private static Worker worker;

  private TfLiteOracle() {}

  /** One input or output as the interpreter reports it; {@code type} is its DataType name. */
  public record TensorInfo(String name, String type, int[] shape, int byteSize) {}

  /** Inputs, outputs and signatures of a loaded model. */
  public record ModelInfo(List<TensorInfo> inputs, List<TensorInfo> outputs, List<String> signatures) {}

  /** The interpreter refused, failed or crashed on a model. */
  public static final class RejectedException extends RuntimeException {
    RejectedException(String message) {
      super(message);
    }
  }

  /** The runtime version string of the native library ("2.6.2"). */
  public static synchronized String runtimeVersion() {
    return call(out -> out.writeInt(OracleWorker.VERSION), Protocol::readString);
  }

  /** Loads the model and describes it. */
  public static synchronized ModelInfo inspect(byte[] model) {
    return call(out -> {
      out.writeInt(OracleWorker.INFO);
      Protocol.writeBytes(out, model);
    }, in -> {
      List<TensorInfo> inputs = Protocol.readInfos(in);
      List<TensorInfo> outputs = Protocol.readInfos(in);
      List<String> signatures = new ArrayList<>();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        signatures.add(Protocol.readString(in));
      }
      return new ModelInfo(inputs, outputs, signatures);
    });
  }

  /**
   * Runs subgraph 0 on raw little-endian input bytes (one array per input, in input order) and
   * returns every output's bytes.
   */
  public static synchronized List<byte[]> run(byte[] model, List<byte[]> inputs) {
    List<byte[]> out = new ArrayList<>();
    for (Output o : runWithShapes(model, inputs)) {
      out.add(o.data());
    }
    return out;
  }

  /** One output of a run: its shape as the interpreter computed it, and its raw bytes. */
  public record Output(int[] shape, byte[] data) {}

  /** Like {@link #run}, with each output's shape. */
  public static synchronized List<Output> runWithShapes(byte[] model, List<byte[]> inputs) {
    return call(out -> {
      out.writeInt(OracleWorker.RUN);
      Protocol.writeBytes(out, model);
      out.writeInt(inputs.size());
      for (byte[] b : inputs) {
        Protocol.writeBytes(out, b);
      }
    }, in -> {
      int n = in.readInt();
      List<Output> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int[] shape = new int[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.readInt();
        }
        results.add(new Output(shape, Protocol.readBytes(in)));
      }
      return results;
    });
  }

  /**
   * Runs one signature with inputs keyed by signature input name; returns outputs by name. Beware:
   * 2.6.2 resolves every signature in subgraph 0, so this is only right for signatures of the main
   * subgraph; use {@link SignatureAsMain} for the others.
   */
  public static synchronized Map<String, byte[]> runSignature(byte[] model, String key, Map<String, byte[]> inputs) {
    return call(out -> {
      out.writeInt(OracleWorker.RUN_SIGNATURE);
      Protocol.writeBytes(out, model);
      Protocol.writeString(out, key);
      out.writeInt(inputs.size());
      for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
        Protocol.writeString(out, e.getKey());
        Protocol.writeBytes(out, e.getValue());
      }
    }, in -> {
      int n = in.readInt();
      Map<String, byte[]> results = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        results.put(Protocol.readString(in), Protocol.readBytes(in));
      }
      return results;
    });
  }

  private interface Request {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Response<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static <T> T call(Request request, Response<T> response) {
    if (worker == null || !worker.process.isAlive()) {
      worker = Worker.start();
    }
    Worker w = worker;
    try {
      request.write(w.out);
      w.out.flush();
      int status = w.in.readInt();
      if (status != OracleWorker.OK) {
        throw new RejectedException("TensorFlow Lite 2.6.2 refused or failed: " + Protocol.readString(w.in));
      }
      return response.read(w.in);
    } catch (IOException e) {
      String why = w.crashReport();
      worker = null;
      throw new RejectedException("TensorFlow Lite 2.6.2 crashed on this model: " + why);
    }
  }

  private static final class Worker {
    final Process process;
    final DataOutputStream out;
    final DataInputStream in;
    final Path stderr;

    private Worker(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
      this.in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
    }

    static Worker start() {
      try {
        Path stderr = Files.createTempFile("tflite-oracle", ".log");
        stderr.toFile().deleteOnExit();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
            "-cp", System.getProperty("java.class.path"), OracleWorker.class.getName());
        pb.redirectError(stderr.toFile());
        return new Worker(pb.start(), stderr);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the TensorFlow Lite oracle process", e);
      }
    }

    String crashReport() {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
      process.destroyForcibly();
      String log = "";
      try {
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        log = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
      } catch (IOException ignored) {
        // The exit code alone still says what happened.
      }
      return exit + (log.isEmpty() ? "" : ", last output: " + log);
    }
  }
}
