package dev.litequant.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;
import org.tensorflow.lite.TensorFlowLite;

/**
 * The TensorFlow Lite 2.6.2 JNI interpreter in this process. Tests use it only inside the {@link
 * OracleWorker} process (the native library can corrupt memory or abort on some models, which
 * must not take the test JVM down); the benchmark uses it directly, on models it is known to run.
 */
public final class NativeInterpreter implements AutoCloseable {
  private static final String NATIVE_RESOURCE = "native/lib/libtensorflowlite_jni.so";
  private static boolean loaded;

  private final Interpreter interpreter;

  /** Copies the native library out of its jar and loads it (the Java classes do not). */
  public static synchronized void ensureLoaded() {
    if (loaded) {
      return;
    }
    try (InputStream in = NativeInterpreter.class.getClassLoader().getResourceAsStream(NATIVE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("TensorFlow Lite native library " + NATIVE_RESOURCE + " is not on the classpath");
      }
      Path tmp = Files.createTempFile("libtensorflowlite_jni", ".so");
      tmp.toFile().deleteOnExit();
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      System.load(tmp.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loaded = true;
  }

  public static String runtimeVersion() {
    ensureLoaded();
    return TensorFlowLite.runtimeVersion();
  }

  public NativeInterpreter(byte[] model) {
    ensureLoaded();
    ByteBuffer direct = ByteBuffer.allocateDirect(model.length).order(ByteOrder.nativeOrder());
    direct.put(model).rewind();
    // One thread, default options: XNNPACK stays off, so the built-in kernels answer.
    interpreter = new Interpreter(direct, new Interpreter.Options().setNumThreads(1)
        .setUseXNNPACK(Boolean.getBoolean("oracle.xnnpack")));
  }

  public List<TfLiteOracle.TensorInfo> inputs() {
    List<TfLiteOracle.TensorInfo> out = new ArrayList<>();
    for (int i = 0; i < interpreter.getInputTensorCount(); i++) {
      out.add(info(interpreter.getInputTensor(i)));
    }
    return out;
  }

  List<TfLiteOracle.TensorInfo> outputs() {
    List<TfLiteOracle.TensorInfo> out = new ArrayList<>();
    for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
      out.add(info(interpreter.getOutputTensor(i)));
    }
    return out;
  }

  String[] signatureNames() {
    return interpreter.getSignatureDefNames();
  }

  private static TfLiteOracle.TensorInfo info(Tensor t) {
    return new TfLiteOracle.TensorInfo(t.name(), t.dataType().name(), t.shape(), t.numBytes());
  }

  public List<byte[]> run(List<byte[]> inputs) {
    Object[] in = new Object[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = direct(inputs.get(i));
    }
    // The Java API insists on an output buffer, and copies output 0 into it; all outputs are then
    // read from the tensors themselves. Output 0's size may only be known after running (a
    // RESHAPE to a computed shape), so the buffer is a large reused scratch area.
    Map<Integer, Object> out = new HashMap<>();
    out.put(0, scratch().rewind());
    interpreter.runForMultipleInputsOutputs(in, out);
    List<byte[]> results = new ArrayList<>();
    for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
      results.add(bytes(interpreter.getOutputTensor(i).asReadOnlyBuffer()));
    }
    return results;
  }

  /** The shape of output {@code i} as of the last run. */
  public int[] outputShape(int i) {
    return interpreter.getOutputTensor(i).shape();
  }

  /**
   * A repeatable run with buffers allocated once, for timing: each call copies the inputs in,
   * invokes, and copies output 0 out, which is all the 2.6.2 Java API allows.
   */
  public Runnable runner(List<byte[]> inputs) {
    Object[] in = new Object[inputs.size()];
    for (int i = 0; i < in.length; i++) {
      in[i] = direct(inputs.get(i));
    }
    interpreter.allocateTensors();
    ByteBuffer out0 = ByteBuffer.allocateDirect(Math.max(1, interpreter.getOutputTensor(0).numBytes()))
        .order(ByteOrder.nativeOrder());
    Map<Integer, Object> out = new HashMap<>();
    out.put(0, out0);
    return () -> {
      for (Object b : in) {
        ((ByteBuffer) b).rewind();
      }
      out0.rewind();
      interpreter.runForMultipleInputsOutputs(in, out);
    };
  }

  Map<String, byte[]> runSignature(String key, Map<String, byte[]> inputs) {
    Map<String, Object> in = new HashMap<>();
    inputs.forEach((k, v) -> in.put(k, direct(v)));
    Map<String, Object> out = new HashMap<>();
    for (String name : interpreter.getSignatureOutputs(key)) {
      Tensor t = interpreter.getOutputTensorFromSignature(name, key);
      out.put(name, ByteBuffer.allocateDirect(Math.max(1, t.numBytes())).order(ByteOrder.nativeOrder()));
    }
    interpreter.runSignature(in, out, key);
    Map<String, byte[]> results = new HashMap<>();
    out.forEach((k, v) -> results.put(k, bytes(((ByteBuffer) v).rewind())));
    return results;
  }

  private static ByteBuffer scratch;

  private static synchronized ByteBuffer scratch() {
    if (scratch == null) {
      scratch = ByteBuffer.allocateDirect(64 << 20).order(ByteOrder.nativeOrder());
    }
    return scratch;
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  private static ByteBuffer direct(byte[] data) {
    ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, data.length)).order(ByteOrder.nativeOrder());
    b.put(data).rewind();
    b.limit(data.length);
    return b;
  }

  @Override
  public void close() {
    interpreter.close();
  }
}
