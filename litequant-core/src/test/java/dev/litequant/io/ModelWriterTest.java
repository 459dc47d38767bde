package dev.litequant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.ModelDiff;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Tensor;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;

class ModelWriterTest {
  @Test
  void builtModelRunsInTheRealInterpreter() {
    byte[] bytes = ModelWriter.write(TinyModels.fullyConnected());
    ByteBuffer in = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    in.putFloat(1f).putFloat(-2f).putFloat(0.5f).putFloat(3f);
    List<byte[]> out = TfLiteOracle.run(bytes, List.of(in.array()));
    float[] y = new float[3];
    ByteBuffer.wrap(out.get(0)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(y);
    // Computed by hand: W rows are ((i % 5) - 2) / 4 over i = 0..11, then RELU, then + (1, 2, 3).
    float[] x = {1f, -2f, 0.5f, 3f};
    float[] bias = {0.1f, -0.2f, 0.3f};
    for (int o = 0; o < 3; o++) {
      float acc = bias[o];
      for (int k = 0; k < 4; k++) {
        acc += x[k] * (((o * 4 + k) % 5) - 2) * 0.25f;
      }
      assertEquals(Math.max(0f, acc) + (o + 1), y[o], 1e-6f);
    }
  }

  @Test
  void sharedBuffersStaySharedAndConstantDataIsAligned() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 2);
    Buffer shared = Buffer.ofFloats(1f, 2f);
    Tensor c1 = b.constant("c1", DataType.FLOAT32, shared, 2);
    Tensor c2 = b.constant("c2", DataType.FLOAT32, shared, 2);
    Tensor s = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "s", DataType.FLOAT32, new int[] {2}, x, c1);
    Tensor y = b.apply(BuiltinOperator.ADD, Table.of("AddOptions"), "y", DataType.FLOAT32, new int[] {2}, s, c2);
    Model m = b.output(y).build();
    byte[] bytes = ModelWriter.write(m);
    Model back = ModelReader.read(bytes);
    assertSame(back.mainSubgraph().tensorNamed("c1").buffer(), back.mainSubgraph().tensorNamed("c2").buffer());
    ModelT gen = org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
    assertEquals(2, gen.getBuffers().length, "the empty sentinel and one shared buffer");
    org.tensorflow.lite.schema.Model flat = org.tensorflow.lite.schema.Model.getRootAsModel(
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    ByteBuffer data = flat.buffers(1).dataAsByteBuffer();
    assertEquals(0, data.position() % 16, "constant data must be 16-byte aligned for mmap");
  }

  @Test
  void operatorCodesUseBothFieldsAsTheSchemaPrescribes() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4);
    Tensor g = b.apply(BuiltinOperator.GELU, Table.of("GeluOptions"), "g", DataType.FLOAT32, new int[] {4}, x);
    Tensor y = b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {4}, g);
    byte[] bytes = ModelWriter.write(b.output(y).build());
    ModelT gen = org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
    OperatorCodeT gelu = gen.getOperatorCodes()[0];
    assertEquals(127, gelu.getDeprecatedBuiltinCode(), "codes >= 127 write the placeholder in the legacy byte");
    assertEquals(150, gelu.getBuiltinCode());
    OperatorCodeT relu = gen.getOperatorCodes()[1];
    assertEquals(19, relu.getDeprecatedBuiltinCode());
    assertEquals(19, relu.getBuiltinCode());
  }

  @Test
  void customOperatorsPassThroughUntouched() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4);
    Tensor y = b.tensor("y", DataType.FLOAT32, 4);
    Operator custom = Operator.custom("MyOp").setCustomOptions(new byte[] {1, 2, 3}).setVersion(7);
    custom.inputs().add(x);
    custom.outputs().add(y);
    b.subgraph().operators().add(custom);
    Model m = b.output(y).build();
    Model back = ModelReader.read(ModelWriter.write(m));
    Operator op = back.mainSubgraph().operators().get(0);
    assertTrue(op.isCustom());
    assertEquals("MyOp", op.customCode());
    assertEquals(7, op.version());
    assertArrayEquals(new byte[] {1, 2, 3}, op.customOptions());
    assertTrue(ModelDiff.compare(m, back).isEmpty());
  }

  @Test
  void aGraphWithACycleIsNeverWritten() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 4);
    Tensor y = b.apply(BuiltinOperator.RELU, null, "y", DataType.FLOAT32, new int[] {4}, x);
    Model m = b.output(y).build();
    m.mainSubgraph().operators().get(0).inputs().set(0, y);
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelWriter.write(m));
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void aTensorMissingFromItsSubgraphIsNamed() {
    Model m = TinyModels.fullyConnected();
    Tensor stray = new Tensor("stray", DataType.FLOAT32, dev.litequant.graph.Shape.of(1, 3));
    m.mainSubgraph().outputs().add(stray);
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelWriter.write(m));
    assertTrue(e.getMessage().contains("'stray'"), e.getMessage());
  }

  @Test
  void atomicWriteLeavesNoPartialFile(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("out.tflite");
    Model m = TinyModels.fullyConnected();
    ModelFiles.write(m, target);
    assertTrue(ModelDiff.compare(m, ModelFiles.read(target)).isEmpty());
    m.mainSubgraph().operators().get(0).inputs().set(0, m.mainSubgraph().outputs().get(0));
    assertThrows(InvalidModelException.class, () -> ModelFiles.write(m, dir.resolve("broken.tflite")));
    assertFalse(Files.exists(dir.resolve("broken.tflite")));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "no temporary files left behind");
    }
  }

  @Test
  void emptyNamesAreOmittedAndReadBackEmpty() {
    Model m = TinyModels.fullyConnected();
    m.mainSubgraph().tensors().get(0).setName("");
    Model back = ModelReader.read(ModelWriter.write(m));
    assertEquals("", back.mainSubgraph().tensors().get(0).name());
    assertNull(back.mainSubgraph().tensors().get(0).quantization());
  }
}
