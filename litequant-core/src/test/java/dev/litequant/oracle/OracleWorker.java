package dev.litequant.oracle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process that hosts the real interpreter for {@link TfLiteOracle}. It reads requests on
 * stdin and answers on stdout; everything else it or the native library prints goes to stderr.
 * Each request carries its model, so a crash loses nothing but that request.
 */
public final class OracleWorker {
  static final int VERSION = 1;
  static final int INFO = 2;
  static final int RUN = 3;
  static final int RUN_SIGNATURE = 4;
  static final int OK = 0;
  static final int REJECTED = 1;

  private OracleWorker() {}

  public static void main(String[] args) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out));
    System.setOut(new PrintStream(System.err, true));
    while (true) {
      int op;
      try {
        op = in.readInt();
      } catch (EOFException e) {
        return;
      }
      try {
        handle(op, in, out);
      } catch (RuntimeException | LinkageError e) {
        out.writeInt(REJECTED);
        Protocol.writeString(out, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      out.flush();
    }
  }

  private static void handle(int op, DataInputStream in, DataOutputStream out) throws IOException {
    switch (op) {
      case VERSION -> {
        String v = NativeInterpreter.runtimeVersion();
        out.writeInt(OK);
        Protocol.writeString(out, v);
      }
      case INFO -> {
        byte[] model = Protocol.readBytes(in);
        try (NativeInterpreter interpreter = new NativeInterpreter(model)) {
          List<TfLiteOracle.TensorInfo> inputs = interpreter.inputs();
          List<TfLiteOracle.TensorInfo> outputs = interpreter.outputs();
          String[] signatures = interpreter.signatureNames();
          out.writeInt(OK);
          Protocol.writeInfos(out, inputs);
          Protocol.writeInfos(out, outputs);
          out.writeInt(signatures.length);
          for (String s : signatures) {
            Protocol.writeString(out, s);
          }
        }
      }
      case RUN -> {
        byte[] model = Protocol.readBytes(in);
        int n = in.readInt();
        List<byte[]> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          inputs.add(Protocol.readBytes(in));
        }
        try (NativeInterpreter interpreter = new NativeInterpreter(model)) {
          List<byte[]> results = interpreter.run(inputs);
          out.writeInt(OK);
          out.writeInt(results.size());
          for (int i = 0; i < results.size(); i++) {
            int[] shape = interpreter.outputShape(i);
            out.writeInt(shape.length);
            for (int d : shape) {
              out.writeInt(d);
            }
            Protocol.writeBytes(out, results.get(i));
          }
        }
      }
      case RUN_SIGNATURE -> {
        byte[] model = Protocol.readBytes(in);
        String key = Protocol.readString(in);
        int n = in.readInt();
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          inputs.put(Protocol.readString(in), Protocol.readBytes(in));
        }
        try (NativeInterpreter interpreter = new NativeInterpreter(model)) {
          Map<String, byte[]> results = interpreter.runSignature(key, inputs);
          out.writeInt(OK);
          out.writeInt(results.size());
          for (Map.Entry<String, byte[]> e : results.entrySet()) {
            Protocol.writeString(out, e.getKey());
            Protocol.writeBytes(out, e.getValue());
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown request " + op);
    }
  }
}
