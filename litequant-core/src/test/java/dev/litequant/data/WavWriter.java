package dev.litequant.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** WAV files written byte by byte, so tests can make every variant (and every mistake). */
public final class WavWriter {
  private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

  /** A 'fmt ' chunk: format code (1 = PCM), channels, sample rate, bits per sample. */
  public WavWriter fmt(int format, int channels, int rate, int bits) {
    ByteBuffer b = le(16);
    b.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
        .putShort((short) (channels * bits / 8)).putShort((short) bits);
    return chunk("fmt ", b.array());
  }

  /** WAVE_FORMAT_EXTENSIBLE with the PCM sub-format. */
  public WavWriter extensiblePcm(int channels, int rate, int bits) {
    ByteBuffer b = le(40);
    b.putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
        .putShort((short) (channels * bits / 8)).putShort((short) bits).putShort((short) 22)
        .putShort((short) bits).putInt(4).putShort((short) 1);
    return chunk("fmt ", b.array());
  }

  public WavWriter data(short... samples) {
    ByteBuffer b = le(2 * samples.length);
    for (short s : samples) {
      b.putShort(s);
    }
    return chunk("data", b.array());
  }

  /** Any chunk; an odd-sized one is followed by a pad byte, as RIFF requires. */
  public WavWriter chunk(String id, byte[] body) {
    ByteBuffer head = le(8);
    head.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length);
    chunks.writeBytes(head.array());
    chunks.writeBytes(body);
    if (body.length % 2 == 1) {
      chunks.write(0);
    }
    return this;
  }

  public byte[] bytes() {
    byte[] body = chunks.toByteArray();
    ByteBuffer b = le(12 + body.length);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body);
    return b.array();
  }

  public Path write(Path file) throws IOException {
    Files.write(file, bytes());
    return file;
  }

  /** The usual file: 16-bit PCM mono at 16 kHz. */
  public static Path pcm16(Path file, short... samples) throws IOException {
    return new WavWriter().fmt(1, 1, 16000, 16).data(samples).write(file);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
