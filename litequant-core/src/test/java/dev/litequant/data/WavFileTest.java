package dev.litequant.data;

import static dev.litequant.data.ImageFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV files made byte by byte: what is read, in which layouts, and which files are refused. */
class WavFileTest {
  @TempDir Path dir;

  @Test
  void samplesAreTheStoredInt16Values() throws IOException {
    WavFile w = WavFile.open(WavWriter.pcm16(dir.resolve("a.wav"), (short) 0, (short) -32768, (short) 32767,
        (short) 5));
    assertEquals(16000, w.sampleRate());
    assertEquals(4, w.sampleCount());
    assertArrayEquals(new short[] {0, -32768, 32767, 5}, w.samples(10));
    assertArrayEquals(new short[] {0, -32768}, w.samples(2));
  }

  @Test
  void chunksMayComeInAnyOrderWithOthersBetween() throws IOException {
    Path p = new WavWriter().chunk("LIST", new byte[] {1, 2, 3}).data((short) 7, (short) -7)
        .chunk("junk", new byte[5]).fmt(1, 1, 8000, 16).write(dir.resolve("b.wav"));
    WavFile w = WavFile.open(p);
    assertEquals(8000, w.sampleRate());
    assertArrayEquals(new short[] {7, -7}, w.samples(2));
  }

  @Test
  void extensibleFormatWithPcmInsideIsPcm() throws IOException {
    Path p = new WavWriter().extensiblePcm(1, 16000, 16).data((short) 300).write(dir.resolve("ext.wav"));
    assertArrayEquals(new short[] {300}, WavFile.open(p).samples(1));
  }

  @Test
  void otherFormatsAreRefusedSayingWhatTheyAre() throws IOException {
    Path eight = new WavWriter().fmt(1, 1, 16000, 8).chunk("data", new byte[] {1, 2}).write(dir.resolve("8bit.wav"));
    assertMessage(() -> WavFile.open(eight), "8bit.wav is 8-bit PCM. LiteQuant reads 16-bit PCM mono WAV files");
    Path stereo = new WavWriter().fmt(1, 2, 16000, 16).data((short) 1, (short) 2).write(dir.resolve("stereo.wav"));
    assertMessage(() -> WavFile.open(stereo), "stereo.wav has 2 channels (stereo)");
    Path floats = new WavWriter().fmt(3, 1, 16000, 32).chunk("data", new byte[4]).write(dir.resolve("float.wav"));
    assertMessage(() -> WavFile.open(floats), "float.wav is not PCM (its format code is 3, floating point)");
    Path text = dir.resolve("text.wav");
    Files.writeString(text, "hello, this is not audio");
    assertMessage(() -> WavFile.open(text), "text.wav is not a WAV file: it does not start with a RIFF/WAVE header");
    Path tiny = dir.resolve("tiny.wav");
    Files.write(tiny, new byte[] {'R', 'I'});
    assertMessage(() -> WavFile.open(tiny), "tiny.wav is not a WAV file");
    Path noData = new WavWriter().fmt(1, 1, 16000, 16).write(dir.resolve("nodata.wav"));
    assertMessage(() -> WavFile.open(noData), "nodata.wav is not a usable WAV file: it has no 'data' chunk");
    Path noFmt = new WavWriter().data((short) 1).write(dir.resolve("nofmt.wav"));
    assertMessage(() -> WavFile.open(noFmt), "nofmt.wav is not a usable WAV file: it has no 'fmt ' chunk");
    byte[] whole = new WavWriter().fmt(1, 1, 16000, 16).data(new short[100]).bytes();
    Path cut = dir.resolve("cut.wav");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 50));
    assertMessage(() -> WavFile.open(cut), "cut.wav is truncated: its data chunk claims 200 bytes, but only 150 "
        + "follow");
  }

  @Test
  void audioInputsPadCutScaleOrQuantize() throws IOException {
    short[] pcm = {16384, -32768, 32767};
    Tensor floats = new Tensor("x", DataType.FLOAT32, Shape.of(1, 5));
    TensorValue padded = AudioInput.of(floats, "x").value(pcm);
    assertEquals(Shape.of(1, 5), padded.shape());
    assertArrayEquals(new float[] {0.5f, -1f, 32767 / 32768f, 0, 0}, padded.floats());
    TensorValue cut = AudioInput.of(new Tensor("x", DataType.FLOAT32, Shape.of(2)), "x").value(pcm);
    assertArrayEquals(new float[] {0.5f, -1f}, cut.floats());

    TensorValue raw = AudioInput.of(new Tensor("x", DataType.INT16, Shape.of(4)), "x").value(pcm);
    assertArrayEquals(new short[] {16384, -32768, 32767, 0}, raw.shorts());

    Tensor int8 = new Tensor("q", DataType.INT8, Shape.of(1, 3));
    int8.setQuantization(Quantization.perTensor(1 / 64f, 3));
    // 0.5 * 64 + 3 = 35; -1 * 64 + 3 = -61; 0.99997 * 64 = 63.998 -> 64 + 3 = 67.
    assertArrayEquals(new byte[] {35, -61, 67}, AudioInput.of(int8, "q").value(pcm).bytes());

    assertMessage(() -> AudioInput.of(new Tensor("img", DataType.FLOAT32, Shape.of(1, 4, 4)), "img"),
        "Input 'img' has shape [1, 4, 4]; WAV files feed an input of shape [1, N] or [N]");
    assertMessage(() -> AudioInput.of(new Tensor("i", DataType.INT32, Shape.of(1, 4)), "i"),
        "Input 'i' is int32 without quantization parameters; WAV files can feed float32 inputs");
  }
}
