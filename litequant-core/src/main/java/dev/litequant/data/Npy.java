package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Shape;
import dev.litequant.io.ModelFiles;
import dev.litequant.runtime.TensorValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * NumPy {@code .npy} files (what {@code np.save} writes), one array per file, as {@link
 * TensorValue}s.
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0 with the dtypes float32, int32, int64, int8, uint8,
 * int16 and bool, little-endian, in C order. Anything else (big-endian or other dtypes, Fortran
 * order, a wrong magic string, a malformed header, a truncated file, a shape whose element count
 * overflows) is refused with one {@link InvalidArgumentException} naming the file and the problem.
 * Writes version 1.0 files (2.0 if the header is too long for 1.0), atomically.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy pads the header so that the data starts at a multiple of this. */
  private static final int ALIGNMENT = 64;

  private Npy() {}

  /** Whether values of this type can be written (and read back): the dtypes listed above. */
  public static boolean supports(DataType type) {
    return NpyDtype.descr(type) != null;
  }

  /** Reads a {@code .npy} file. */
  public static TensorValue read(Path file) {
    return parse(ModelFiles.readBytes(file, "NumPy"), file.toString());
  }

  /** Reads the bytes of a {@code .npy} file; {@code source} names it in error messages. */
  public static TensorValue parse(byte[] bytes, String source) {
    return new Reader(bytes, source).read();
  }

  /** Writes a value as a {@code .npy} file: the file appears complete or not at all. */
  public static void write(TensorValue value, Path file) {
    ModelFiles.writeAtomically(toBytes(value), file);
  }

  /** The bytes of a {@code .npy} file holding {@code value}. */
  public static byte[] toBytes(TensorValue value) {
    String descr = NpyDtype.descr(value.type());
    if (descr == null) {
      throw new InvalidArgumentException("LiteQuant cannot write " + value.type().displayName()
          + " values to a .npy file; it writes " + NpyDtype.SUPPORTED + ".");
    }
    byte[] header = NpyHeader.format(descr, value.shape().dims()).getBytes(StandardCharsets.US_ASCII);
    boolean v1 = MAGIC.length + 2 + 2 + header.length + 1 <= 0xFFFF;
    int prefix = MAGIC.length + 2 + (v1 ? 2 : 4);
    int padded = roundUp(prefix + header.length + 1, ALIGNMENT) - prefix;
    byte[] data = value.toBytes();
    ByteBuffer b = ByteBuffer.allocate(prefix + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
    if (v1) {
      b.putShort((short) padded);
    } else {
      b.putInt(padded);
    }
    b.put(header);
    for (int i = header.length; i < padded - 1; i++) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    b.put(data);
    return b.array();
  }

  private static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }

  /** One file being read; every failure names the file. */
  private static final class Reader {
    private final byte[] bytes;
    private final String source;

    Reader(byte[] bytes, String source) {
      this.bytes = bytes;
      this.source = source;
    }

    TensorValue read() {
      checkMagic();
      int major = bytes[6] & 0xFF;
      int minor = bytes[7] & 0xFF;
      if (major < 1 || major > 3 || minor != 0) {
        throw error("uses .npy format version " + major + "." + minor + "; LiteQuant reads versions 1.0, 2.0 "
            + "and 3.0");
      }
      int lengthBytes = major == 1 ? 2 : 4;
      int headerStart = MAGIC.length + 2 + lengthBytes;
      if (bytes.length < headerStart) {
        throw error("is truncated: it ends inside its header");
      }
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = major == 1 ? b.getShort(8) & 0xFFFF : b.getInt(8) & 0xFFFFFFFFL;
      if (headerLength > bytes.length - headerStart) {
        throw error("is truncated: its header should be " + headerLength + " bytes long, but the file ends after "
            + (bytes.length - headerStart));
      }
      int dataStart = headerStart + (int) headerLength;
      // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
      String text = new String(bytes, headerStart, (int) headerLength,
          major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
      NpyHeader header;
      try {
        header = NpyHeader.parse(text);
      } catch (NpyHeader.MalformedException e) {
        throw error("has a malformed header (" + e.getMessage() + "): " + quote(text));
      }
      NpyDtype.Parsed dtype = NpyDtype.parse(header.descr());
      if (dtype.problem() != null) {
        throw error(dtype.problem());
      }
      if (header.fortranOrder()) {
        throw error("stores its array in Fortran (column-major) order; LiteQuant reads C order: save it with "
            + "np.save(path, np.ascontiguousarray(a))");
      }
      return values(dtype.type(), header.shape(), dataStart);
    }

    private void checkMagic() {
      if (bytes.length == 0) {
        throw error("is empty");
      }
      int n = Math.min(bytes.length, MAGIC.length);
      if (!Arrays.equals(bytes, 0, n, MAGIC, 0, n)) {
        boolean zip = bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == 'K';
        throw error(zip ? "is a zip archive (.npz?), not a single array: save each array with np.save"
            : "is not a NumPy .npy file: it does not start with the magic string \\x93NUMPY");
      }
      if (bytes.length < MAGIC.length + 2) {
        throw error("is truncated: it ends inside its header");
      }
    }

    private TensorValue values(DataType type, long[] dims, int dataStart) {
      String shapeText = shapeText(dims);
      int[] intDims = new int[dims.length];
      long count = 1;
      try {
        for (int i = 0; i < dims.length; i++) {
          count = Math.multiplyExact(count, dims[i]);
        }
        Math.multiplyExact(count, (long) type.byteSize());
      } catch (ArithmeticException e) {
        throw error("has shape " + shapeText + ", whose element count overflows");
      }
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] > Integer.MAX_VALUE) {
          throw error("has shape " + shapeText + ", with a dimension larger than LiteQuant handles (2^31 - 1)");
        }
        intDims[i] = (int) dims[i];
      }
      long need = count * type.byteSize();
      long have = bytes.length - (long) dataStart;
      String what = type.displayName() + " array of shape " + shapeText;
      if (have < need) {
        throw error("is truncated: its header describes a " + what + " (" + need + " bytes of data), but only "
            + have + " bytes follow");
      }
      if (have > need) {
        throw error("has " + (have - need) + " bytes after the data of its " + what + " (" + need + " bytes)");
      }
      byte[] data = Arrays.copyOfRange(bytes, dataStart, bytes.length);
      if (type == DataType.BOOL) {
        for (int i = 0; i < data.length; i++) {
          data[i] = (byte) (data[i] != 0 ? 1 : 0);
        }
      }
      return TensorValue.fromBytes(type, Shape.of(intDims), data);
    }

    private InvalidArgumentException error(String problem) {
      return new InvalidArgumentException("The NumPy file " + source + " " + problem + ".");
    }

    private static String shapeText(long[] dims) {
      StringBuilder sb = new StringBuilder("(");
      for (int i = 0; i < dims.length; i++) {
        sb.append(i > 0 ? ", " : "").append(dims[i]);
      }
      return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    private static String quote(String header) {
      String h = header.strip();
      return h.length() > 120 ? h.substring(0, 120) + "..." : h;
    }
  }
}
