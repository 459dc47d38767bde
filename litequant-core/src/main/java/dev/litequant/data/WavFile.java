package dev.litequant.data;

import dev.litequant.InvalidArgumentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A 16-bit PCM mono WAV file: the RIFF header and its chunks are read when opened (chunks in any
 * order, unknown ones skipped), the samples only when asked for. Other encodings, bit depths and
 * channel counts are errors that say how to convert the file. WAVE_FORMAT_EXTENSIBLE files whose
 * sub-format is PCM are PCM too.
 */
final class WavFile {
  private static final int PCM = 1;
  private static final int EXTENSIBLE = 0xFFFE;

  private final Path file;
  private final int sampleRate;
  private final long dataOffset;
  private final int sampleCount;

  private WavFile(Path file, int sampleRate, long dataOffset, int sampleCount) {
    this.file = file;
    this.sampleRate = sampleRate;
    this.dataOffset = dataOffset;
    this.sampleCount = sampleCount;
  }

  int sampleRate() {
    return sampleRate;
  }

  /** How many samples (frames) the file holds. */
  int sampleCount() {
    return sampleCount;
  }

  static WavFile open(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = read(ch, 0, 12);
      if (head == null || !tag(head, 0).equals("RIFF") || !tag(head, 8).equals("WAVE")) {
        throw new InvalidArgumentException(file + " is not a WAV file: it does not start with a RIFF/WAVE header.");
      }
      ByteBuffer fmt = null;
      long dataOffset = -1;
      long dataBytes = 0;
      long at = 12;
      while (at + 8 <= size && (fmt == null || dataOffset < 0)) {
        ByteBuffer chunk = read(ch, at, 8);
        String id = tag(chunk, 0);
        long length = chunk.getInt(4) & 0xFFFFFFFFL;
        long body = at + 8;
        if (id.equals("fmt ")) {
          if (length < 16 || body + length > size) {
            throw new InvalidArgumentException(file + ": its 'fmt ' chunk is " + (length < 16 ? "too short (" + length
                + " bytes)" : "cut off by the end of the file") + ".");
          }
          fmt = read(ch, body, (int) Math.min(length, 40));
        } else if (id.equals("data")) {
          if (body + length > size) {
            throw new InvalidArgumentException(file + " is truncated: its data chunk claims " + length + " bytes, "
                + "but only " + (size - body) + " follow.");
          }
          dataOffset = body;
          dataBytes = length;
        }
        at = body + length + (length & 1);
      }
      if (fmt == null || dataOffset < 0) {
        throw new InvalidArgumentException(file + " is not a usable WAV file: it has no '" + (fmt == null ? "fmt "
            : "data") + "' chunk.");
      }
      checkFormat(file, fmt);
      return new WavFile(file, fmt.getInt(4), dataOffset, (int) Math.min(Integer.MAX_VALUE, dataBytes / 2));
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void checkFormat(Path file, ByteBuffer fmt) {
    int format = fmt.getShort(0) & 0xFFFF;
    int channels = fmt.getShort(2) & 0xFFFF;
    int bits = fmt.getShort(14) & 0xFFFF;
    if (format == EXTENSIBLE && fmt.limit() >= 26) {
      format = fmt.getShort(24) & 0xFFFF;
    }
    String convert = " LiteQuant reads 16-bit PCM mono WAV files; convert it, e.g. with "
        + "'sox IN.wav -b 16 -c 1 -e signed-integer OUT.wav'.";
    if (format != PCM) {
      throw new InvalidArgumentException(file + " is not PCM (its format code is " + format
          + (format == 3 ? ", floating point" : "") + ")." + convert);
    }
    if (bits != 16) {
      throw new InvalidArgumentException(file + " is " + bits + "-bit PCM." + convert);
    }
    if (channels != 1) {
      throw new InvalidArgumentException(file + " has " + channels + " channels" + (channels == 2 ? " (stereo)" : "")
          + "." + convert);
    }
  }

  /** The first {@code count} samples (fewer if the file is shorter). */
  short[] samples(int count) {
    int n = Math.min(count, sampleCount);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = read(ch, dataOffset, 2 * n);
      if (b == null) {
        throw new InvalidArgumentException(file + " changed while it was being read: it is shorter than its header "
            + "said.");
      }
      short[] out = new short[n];
      b.asShortBuffer().get(out);
      return out;
    } catch (IOException e) {
      throw new InvalidArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code length} bytes at {@code position}, little-endian, or null when the file ends first. */
  private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        return null;
      }
    }
    return b.flip();
  }

  private static String tag(ByteBuffer b, int at) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      c[i] = (char) (b.get(at + i) & 0xFF);
    }
    return new String(c);
  }
}
