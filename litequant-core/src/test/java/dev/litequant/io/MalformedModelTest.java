package dev.litequant.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.litequant.InvalidArgumentException;
import dev.litequant.InvalidModelException;
import dev.litequant.LiteQuantException;
import dev.litequant.ModelFormatException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;

/**
 * Each kind of bad model gives a LiteQuant error naming the problem and where. Well-formed but
 * inconsistent files are made with the generated schema classes, so they do not depend on
 * LiteQuant's own writer, which refuses to produce them.
 */
class MalformedModelTest {
  private static byte[] valid() {
    return ModelWriter.write(TinyModels.fullyConnected());
  }

  /** A copy of the valid model, edited through the generated object API. */
  private static byte[] edited(Consumer<ModelT> edit) {
    ModelT m = org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(valid())).unpack();
    edit.accept(m);
    FlatBufferBuilder b = new FlatBufferBuilder();
    org.tensorflow.lite.schema.Model.finishModelBuffer(b, org.tensorflow.lite.schema.Model.pack(b, m));
    return b.sizedByteArray();
  }

  private static <T extends LiteQuantException> void fails(Class<T> type, byte[] bytes, String... phrases) {
    T e = assertThrows(type, () -> ModelReader.read(bytes));
    for (String p : phrases) {
      assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': " + e.getMessage());
    }
  }

  private static SubGraphT main(ModelT m) {
    return m.getSubgraphs()[0];
  }

  private static TensorT tensorNamed(ModelT m, String name) {
    return Arrays.stream(main(m).getTensors()).filter(t -> name.equals(t.getName())).findFirst().orElseThrow();
  }

  @Test
  void truncatedFile() {
    byte[] v = valid();
    fails(ModelFormatException.class, Arrays.copyOf(v, v.length / 2), "Malformed model file");
    fails(ModelFormatException.class, Arrays.copyOf(v, 5), "too short");
    fails(ModelFormatException.class, new byte[0], "0 bytes long");
  }

  @Test
  void notAFlatbuffer() {
    byte[] text = "This is a text file, certainly not a TensorFlow Lite model.".getBytes(StandardCharsets.UTF_8);
    fails(ModelFormatException.class, text, "file identifier", "is ' is '", "expected 'TFL3'");
  }

  @Test
  void wrongFileIdentifier() {
    byte[] v = valid();
    v[7] = '2';
    fails(ModelFormatException.class, v, "is 'TFL2', expected 'TFL3'");
  }

  @Test
  void rootOffsetOutsideTheFile() {
    byte[] v = valid();
    ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7FFFFFF0);
    fails(ModelFormatException.class, v, "points outside the file", "root table offset");
  }

  @Test
  void vectorLengthPastTheEnd() {
    // Every tensor's shape vector claims a billion elements.
    byte[] v = edited(m -> main(m).getTensors()[0].setShape(new int[] {1, 2, 3, 4, 5, 6, 7}));
    ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
    boolean patched = false;
    for (int p = 0; p + 32 <= v.length; p += 4) {
      if (b.getInt(p) == 7 && b.getInt(p + 4) == 1 && b.getInt(p + 8) == 2 && b.getInt(p + 28) == 7) {
        b.putInt(p, 1_000_000_000);
        patched = true;
      }
    }
    assertTrue(patched);
    fails(ModelFormatException.class, v, "claims 1000000000 elements", "shape");
  }

  @Test
  void absurdAndNegativeDimensions() {
    fails(InvalidModelException.class,
        edited(m -> tensorNamed(m, "x").setShape(new int[] {1 << 20, 1 << 20})),
        "'x'", "[1048576, 1048576]", "2^40");
    fails(InvalidModelException.class,
        edited(m -> tensorNamed(m, "x").setShape(new int[] {-5, 4})),
        "'x'", "dimension -5 is negative");
  }

  @Test
  void bufferShorterThanItsTensor() {
    fails(InvalidModelException.class, edited(m -> {
      TensorT w = tensorNamed(m, "dense/kernel");
      BufferT b = m.getBuffers()[(int) w.getBuffer()];
      b.setData(Arrays.copyOf(b.getData(), 10));
    }), "'dense/kernel'", "needs 48 bytes", "holds 10 bytes");
  }

  @Test
  void indicesOutOfRange() {
    fails(InvalidModelException.class,
        edited(m -> main(m).getOperators()[0].setInputs(new int[] {0, 99, 2})),
        "Operator 0 (FULLY_CONNECTED) of subgraph 0: input 1 is tensor index 99", "has 6 tensors");
    fails(InvalidModelException.class,
        edited(m -> main(m).getOperators()[1].setOpcodeIndex(40)),
        "Operator 1 of subgraph 0 uses operator code 40");
    fails(InvalidModelException.class,
        edited(m -> tensorNamed(m, "offset").setBuffer(1234)),
        "'offset'", "buffer 1234");
    fails(InvalidModelException.class,
        edited(m -> main(m).setOutputs(new int[] {-3})),
        "Subgraph 0: output 0 is tensor index -3");
    fails(InvalidModelException.class,
        edited(m -> m.getSignatureDefs()[0].setSubgraphIndex(5)),
        "Signature 0 'serving_default' refers to subgraph 5");
  }

  @Test
  void cycleInTheGraph() {
    fails(InvalidModelException.class, edited(m -> {
      OperatorT[] ops = main(m).getOperators();
      int[] fcInputs = ops[0].getInputs();
      fcInputs[0] = ops[1].getOutputs()[0];
      ops[0].setInputs(fcInputs);
    }), "Operator 0 (FULLY_CONNECTED)", "produced by operator 1 (ADD)", "cycle");
  }

  @Test
  void tensorWrittenTwice() {
    fails(InvalidModelException.class, edited(m -> {
      OperatorT[] ops = main(m).getOperators();
      ops[1].setOutputs(ops[0].getOutputs());
    }), "written by two operators");
  }

  @Test
  void noSubgraphs() {
    fails(InvalidModelException.class, edited(m -> {
      m.setSubgraphs(new SubGraphT[0]);
      m.setSignatureDefs(null);
    }), "no subgraphs");
  }

  @Test
  void unknownTypeCode() {
    fails(UnsupportedModelException.class, edited(m -> tensorNamed(m, "x").setType((byte) 77)),
        "'x'", "element type code 77");
  }

  @Test
  void fieldNewerThanTheSchemaIsRefusedNotDropped() {
    FlatBufferBuilder b = new FlatBufferBuilder();
    b.startTable(12);
    b.addInt(11, 42, 0);
    int root = b.endTable();
    b.finish(root, "TFL3");
    fails(UnsupportedModelException.class, b.sizedByteArray(), "field #11 of a Model table", "refuses");
  }

  @Test
  void offsetsAliasingOneLargeVectorCannotExhaustMemory() {
    // One 1 MB buffer referenced 100000 times would decode to 100 GB.
    FlatBufferBuilder b = new FlatBufferBuilder();
    int data = b.createByteVector(new byte[1 << 20]);
    b.startTable(1);
    b.addOffset(0, data, 0);
    int buffer = b.endTable();
    int n = 100_000;
    b.startVector(4, n, 4);
    for (int i = 0; i < n; i++) {
      b.addOffset(buffer);
    }
    int buffers = b.endVector();
    b.startTable(8);
    b.addOffset(4, buffers, 0);
    b.finish(b.endTable(), "TFL3");
    fails(ModelFormatException.class, b.sizedByteArray(), "far more data than it holds");
  }

  @Test
  void missingFile() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ModelReader.read(Path.of("/nonexistent/model.tflite")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }
}
