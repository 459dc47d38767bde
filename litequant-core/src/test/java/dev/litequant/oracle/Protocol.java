package dev.litequant.oracle;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Length-prefixed binary framing between {@link TfLiteOracle} and {@link OracleWorker}. */
final class Protocol {
  private Protocol() {}

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, String.valueOf(s).getBytes(StandardCharsets.UTF_8));
  }

  static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  static void writeInfos(DataOutputStream out, List<TfLiteOracle.TensorInfo> infos) throws IOException {
    out.writeInt(infos.size());
    for (TfLiteOracle.TensorInfo t : infos) {
      writeString(out, t.name());
      writeString(out, t.type());
      out.writeInt(t.shape().length);
      for (int d : t.shape()) {
        out.writeInt(d);
      }
      out.writeInt(t.byteSize());
    }
  }

  static List<TfLiteOracle.TensorInfo> readInfos(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<TfLiteOracle.TensorInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = readString(in);
      String type = readString(in);
      int[] shape = new int[in.readInt()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = in.readInt();
      }
      out.add(new TfLiteOracle.TensorInfo(name, type, shape, in.readInt()));
    }
    return out;
  }
}
