package dev.litequant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.testing.SharedModels;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import dev.litequant.testing.Names;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;
import org.tensorflow.lite.schema.TensorT;

/**
 * LiteQuant's reader and writer checked against an independent decoder, the flatbuffers-generated
 * TensorFlow Lite classes: on every shared model, the generated decoder sees in the original file
 * what LiteQuant read, and sees in LiteQuant's rewritten file the same again.
 */
class IndependentDecoderTest {
  @TestFactory
  Stream<DynamicTest> generatedClassesAgreeWithLiteQuant() {
    return SharedModels.allTflite().stream()
        .map(p -> DynamicTest.dynamicTest(SharedModels.name(p), () -> check(p)));
  }

  private static void check(Path p) throws Exception {
    byte[] original = Files.readAllBytes(p);
    Model ours = ModelReader.read(original);
    compare(decode(original), ours);
    compare(decode(ModelWriter.write(ours)), ours);
  }

  private static ModelT decode(byte[] bytes) {
    return org.tensorflow.lite.schema.Model.getRootAsModel(ByteBuffer.wrap(bytes)).unpack();
  }

  private static void compare(ModelT gen, Model ours) throws Exception {
    assertEquals(gen.getVersion(), ours.version());
    assertEquals(gen.getDescription(), ours.description());
    assertEquals(gen.getSubgraphs().length, ours.subgraphs().size());
    for (int s = 0; s < ours.subgraphs().size(); s++) {
      SubGraphT g = gen.getSubgraphs()[s];
      Subgraph o = ours.subgraphs().get(s);
      assertEquals(g.getName(), o.name());
      assertEquals(g.getTensors().length, o.tensors().size());
      for (int i = 0; i < g.getTensors().length; i++) {
        compareTensor(gen, g.getTensors()[i], o.tensors().get(i), "subgraph " + s + " tensor " + i);
      }
      assertArrayEquals(g.getInputs(), indices(o, o.inputs()));
      assertArrayEquals(g.getOutputs(), indices(o, o.outputs()));
      assertEquals(g.getOperators().length, o.operators().size());
      for (int i = 0; i < g.getOperators().length; i++) {
        compareOperator(gen, g.getOperators()[i], o.operators().get(i), o, "subgraph " + s + " operator " + i);
      }
    }
    SignatureDefT[] sigs = gen.getSignatureDefs() == null ? new SignatureDefT[0] : gen.getSignatureDefs();
    assertEquals(sigs.length, ours.signatures().size());
    for (int i = 0; i < sigs.length; i++) {
      SignatureDefT g = sigs[i];
      SignatureDef o = ours.signatures().get(i);
      assertEquals(g.getSignatureKey(), o.key());
      assertEquals(g.getSubgraphIndex(), ours.indexOf(o.subgraph()));
      assertEquals(tensorMap(g.getInputs()), tensorMap(o, o.inputs()));
      assertEquals(tensorMap(g.getOutputs()), tensorMap(o, o.outputs()));
    }
    int metadata = gen.getMetadata() == null ? 0 : gen.getMetadata().length;
    assertEquals(metadata, ours.metadata().size());
    for (int i = 0; i < metadata; i++) {
      assertEquals(gen.getMetadata()[i].getName(), ours.metadata().get(i).name());
      assertArrayEquals(bytes(gen.getBuffers()[(int) gen.getMetadata()[i].getBuffer()]),
          ours.metadata().get(i).buffer().toByteArray());
    }
  }

  private static void compareTensor(ModelT gen, TensorT g, Tensor o, String where) {
    assertEquals(g.getName() == null ? "" : g.getName(), o.name(), where);
    assertEquals(g.getType(), o.type().code(), where);
    assertArrayEquals(g.getShape(), o.shape().dims(), where);
    byte[] data = bytes(gen.getBuffers()[(int) g.getBuffer()]);
    assertArrayEquals(data, o.isConstant() ? o.buffer().toByteArray() : new byte[0], where + " data");
    assertEquals(g.getIsVariable(), o.isVariable(), where);
    QuantizationParametersT q = g.getQuantization();
    float[] scales = q == null || q.getScale() == null ? new float[0] : q.getScale();
    assertArrayEquals(scales, o.quantization() == null ? new float[0] : o.quantization().scales(), where);
    if (scales.length > 0) {
      assertArrayEquals(q.getZeroPoint(), o.quantization().zeroPoints(), where);
      assertEquals(q.getQuantizedDimension(), o.quantization().axis(), where);
    }
  }

  private static void compareOperator(ModelT gen, OperatorT g, Operator o, Subgraph sub, String where)
      throws Exception {
    OperatorCodeT code = gen.getOperatorCodes()[(int) g.getOpcodeIndex()];
    assertEquals(Math.max(code.getDeprecatedBuiltinCode(), code.getBuiltinCode()), o.builtinCode(), where);
    assertEquals(code.getVersion(), o.version(), where);
    assertEquals(code.getCustomCode(), o.customCode(), where);
    assertArrayEquals(g.getInputs(), indices(sub, o.inputs()), where + " inputs");
    assertArrayEquals(g.getOutputs(), indices(sub, o.outputs()), where + " outputs");
    byte type = g.getBuiltinOptions() == null ? 0 : g.getBuiltinOptions().getType();
    if (type == 0) {
      assertNull(o.options(), where + " options");
    } else {
      assertEquals(BuiltinOptions.name(type), o.options().typeName(), where);
      compareOptions(g.getBuiltinOptions().getValue(), o.options(), where);
    }
  }

  /** Compares every getter of a generated options object with the same field of LiteQuant's. */
  private static void compareOptions(Object gen, Table ours, String where) throws Exception {
    int compared = 0;
    for (Method m : gen.getClass().getMethods()) {
      if (!m.getName().startsWith("get") || m.getParameterCount() != 0 || m.getName().equals("getClass")) {
        continue;
      }
      String field = Names.snake(m.getName().substring(3));
      Object g = m.invoke(gen);
      Object o = ours.get(field);
      String what = where + " " + ours.typeName() + "." + field;
      if (g instanceof int[] a) {
        assertArrayEquals(a, (int[]) o, what);
      } else if (g instanceof long[] a) {
        assertArrayEquals(a, (long[]) o, what);
      } else if (g instanceof float[] a) {
        assertArrayEquals(a, (float[]) o, what);
      } else if (g instanceof Boolean b) {
        assertEquals(b, o, what);
      } else if (g instanceof Number n) {
        assertEquals(n.doubleValue(), ((Number) o).doubleValue(), what);
      } else {
        assertEquals(g, o, what);
      }
      compared++;
    }
    assertTrue(compared >= 0);
  }


  private static byte[] bytes(BufferT b) {
    int[] data = b.getData();
    byte[] out = new byte[data == null ? 0 : data.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) data[i];
    }
    return out;
  }

  private static int[] indices(Subgraph g, List<Tensor> tensors) {
    int[] out = new int[tensors.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tensors.get(i) == null ? -1 : g.indexOf(tensors.get(i));
    }
    return out;
  }

  private static List<String> tensorMap(TensorMapT[] maps) {
    List<String> out = new ArrayList<>();
    for (TensorMapT m : maps == null ? new TensorMapT[0] : maps) {
      out.add(m.getName() + "=" + m.getTensorIndex());
    }
    return out;
  }

  private static List<String> tensorMap(SignatureDef sig, java.util.Map<String, Tensor> map) {
    List<String> out = new ArrayList<>();
    map.forEach((k, t) -> out.add(k + "=" + sig.subgraph().indexOf(t)));
    return out;
  }
}
