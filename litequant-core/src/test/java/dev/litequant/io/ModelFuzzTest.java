package dev.litequant.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.LiteQuantException;
import dev.litequant.graph.Model;
import dev.litequant.testing.SharedModels;
import dev.litequant.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated real models (fixed seed, thousands of cases): reading must either succeed, in which case
 * the model also writes and reads back, or fail with a LiteQuant error. Anything else (an index
 * exception, an OutOfMemoryError, a hang) is a bug.
 */
class ModelFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", 20261127L);
  private static final int CASES = Integer.getInteger("fuzz.cases", 6000);

  /** Small, structurally diverse models: signatures, custom ops, LSTMs, int8, int16, composites. */
  private static final List<String> CORPUS = List.of(
      "tflite-micro/history/hello_world_old.tflite",
      "tflite-micro/history/magic_wand.tflite",
      "tflite-micro/mnist_lstm/trained_lstm_int8.tflite",
      "tflite-micro/micro_speech/models/audio_preprocessor_int8.tflite",
      "tflite-micro/micro_speech/models/micro_speech_quantized.tflite",
      "tflite-micro/seanet/conv/conv0.tflite",
      "tflite-micro/models/keyword_scrambled.tflite",
      "ai-edge-quantizer/simple_composite.tflite",
      "ai-edge-quantizer/two_signatures_a8w8.tflite",
      "ai-edge-quantizer/single_fc_bias_sub_channel_weight_only_sym_weight.tflite",
      "ai-edge-quantizer/branching_conv_fc.tflite");

  @Test
  void mutatedModelsGiveOnlyCleanErrors() throws Exception {
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(ModelWriter.write(TinyModels.fullyConnected()));
    Path root = SharedModels.locate();
    if (root != null) {
      for (String name : CORPUS) {
        corpus.add(Files.readAllBytes(root.resolve(name)));
      }
    }
    Random r = new Random(SEED);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < CASES; i++) {
      int which = r.nextInt(corpus.size());
      int kind = r.nextInt(6);
      byte[] mutated = mutate(corpus.get(which), kind, r);
      try {
        Model m = ModelReader.read(mutated);
        ModelReader.read(ModelWriter.write(m));
        accepted++;
      } catch (LiteQuantException expected) {
        assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        rejected++;
      } catch (Throwable t) {
        fail("case " + i + " (model " + which + ", mutation " + kind + ", seed " + SEED + ") threw " + t, t);
      }
    }
    System.out.println("fuzz: accepted " + accepted + ", rejected " + rejected);
    // Both outcomes must actually occur, or the mutations are not exercising the reader.
    assertTrue(accepted > CASES / 20, "accepted " + accepted);
    assertTrue(rejected > CASES / 4, "rejected " + rejected);
  }

  private static byte[] mutate(byte[] original, int kind, Random r) {
    byte[] b = original.clone();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    switch (kind) {
      case 0 -> { // flip a few bits
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          int p = r.nextInt(b.length);
          b[p] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> { // overwrite an aligned 32-bit word: offsets, lengths, indices
        int p = r.nextInt(b.length / 4) * 4;
        int[] choices = {r.nextInt(), -1, 0, 1 << 30, b.length, r.nextInt(64), -r.nextInt(64)};
        bb.putInt(p, choices[r.nextInt(choices.length)]);
      }
      case 2 -> { // overwrite a 16-bit word: vtable entries
        int p = r.nextInt(b.length / 2) * 2;
        bb.putShort(p, (short) (r.nextBoolean() ? r.nextInt(65536) : r.nextInt(64)));
      }
      case 3 -> { // truncate
        return Arrays.copyOf(b, r.nextInt(b.length));
      }
      case 4 -> { // delete a chunk, shifting everything after it
        int from = r.nextInt(b.length);
        int len = Math.min(b.length - from, 1 + r.nextInt(16));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        return out;
      }
      default -> { // scribble random bytes over a short run
        int p = r.nextInt(b.length);
        for (int k = p; k < Math.min(b.length, p + 1 + r.nextInt(8)); k++) {
          b[k] = (byte) r.nextInt(256);
        }
      }
    }
    return b;
  }
}
