package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Operators that move int16 codes without arithmetic, against TensorFlow Lite 2.6.2: the ones it
 * runs must match bit for bit (LiteQuant's kernels for them are type-agnostic copies); the quantized
 * parameters it checks (CONCATENATION zero points, PACK scales, PADV2's pad value) are checked alike;
 * and the ones it has no int16 kernel for are listed, so that the 16x8 operator table leaves them out.
 */
class Int16DataMovementTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int16 data movement");
  private static final float S = 1e-3f;

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  /** A single-operator model with int16 runtime inputs of the given shapes, checked on random codes. */
  private static void check(String label, long seed, Consumer<ModelBuilder> build) {
    ModelBuilder b = new ModelBuilder();
    build.accept(b);
    Model m = b.build();
    Random r = new Random(seed);
    List<TensorValue> in = new ArrayList<>();
    for (Tensor t : m.mainSubgraph().inputs()) {
      in.add(t.type() == DataType.BOOL ? boolValue(r, t) : Int16Models.value(
          Int16Models.randomCodes(r, (int) t.shape().elementCount()), t.shape().dims()));
    }
    ORACLE.check(label, m, in);
  }

  private static TensorValue boolValue(Random r, Tensor t) {
    byte[] v = new byte[(int) t.shape().elementCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) r.nextInt(2);
    }
    return TensorValue.ofBytes(DataType.BOOL, t.shape(), v);
  }

  private static Tensor x(ModelBuilder b, int... shape) {
    return Int16Models.input(b, "x", S, shape);
  }

  private static Tensor y(ModelBuilder b) {
    return Int16Models.output(b, "y", S, 1);
  }

  private static void op(ModelBuilder b, BuiltinOperator op, Table o, int version, List<Tensor> ins, Tensor... outs) {
    b.operator(op, o, ins, List.of(outs)).setVersion(version);
    b.output(outs);
  }

  @Test
  void operatorsThatRunInt16() {
    check("RESHAPE", 1, b -> op(b, BuiltinOperator.RESHAPE, null, 1,
        List.of(x(b, 4, 6), b.constantInts("s", new int[] {3, 8}, 2)), y(b)));
    check("SQUEEZE", 2, b -> op(b, BuiltinOperator.SQUEEZE, Table.of("SqueezeOptions"), 1, List.of(x(b, 1, 5, 1, 3)),
        y(b)));
    check("EXPAND_DIMS", 3, b -> op(b, BuiltinOperator.EXPAND_DIMS, null, 1,
        List.of(x(b, 5, 3), b.constantInts("a", new int[] {1}, 1)), y(b)));
    check("TRANSPOSE", 4, b -> op(b, BuiltinOperator.TRANSPOSE, null, 5,
        List.of(x(b, 2, 3, 4, 5), b.constantInts("p", new int[] {3, 0, 2, 1}, 4)), y(b)));
    check("SLICE", 5, b -> op(b, BuiltinOperator.SLICE, null, 4, List.of(x(b, 4, 6, 3),
        b.constantInts("begin", new int[] {1, 2, 0}, 3), b.constantInts("size", new int[] {2, -1, 2}, 3)), y(b)));
    check("STRIDED_SLICE", 6, b -> op(b, BuiltinOperator.STRIDED_SLICE, Table.of("StridedSliceOptions")
        .with("shrink_axis_mask", 1), 4, List.of(x(b, 3, 8, 5), b.constantInts("begin", new int[] {1, 7, 0}, 3),
        b.constantInts("end", new int[] {2, 0, 5}, 3), b.constantInts("strides", new int[] {1, -2, 2}, 3)), y(b)));
    check("GATHER", 7, b -> op(b, BuiltinOperator.GATHER, Table.of("GatherOptions").with("axis", 1), 4,
        List.of(x(b, 3, 7, 2), b.constantInts("i", new int[] {6, 0, 3, 3}, 4)), y(b)));
    check("GATHER_ND", 8, b -> op(b, BuiltinOperator.GATHER_ND, null, 3,
        List.of(x(b, 4, 3, 2), b.constantInts("i", new int[] {3, 1, 0, 2}, 2, 2)), y(b)));
    check("BROADCAST_TO", 9, b -> op(b, BuiltinOperator.BROADCAST_TO, null, 3,
        List.of(x(b, 1, 3, 1), b.constantInts("s", new int[] {2, 3, 4}, 3)), y(b)));
    check("REVERSE_V2", 10, b -> op(b, BuiltinOperator.REVERSE_V2, null, 3,
        List.of(x(b, 4, 5), b.constantInts("a", new int[] {1}, 1)), y(b)));
    check("PACK", 11, b -> op(b, BuiltinOperator.PACK, Table.of("PackOptions").with("values_count", 2).with("axis", 1),
        3, List.of(x(b, 3, 4), Int16Models.input(b, "x2", S, 3, 4)), y(b)));
    check("UNPACK", 12, b -> op(b, BuiltinOperator.UNPACK, Table.of("UnpackOptions").with("num", 3).with("axis", 1), 4,
        List.of(x(b, 2, 3, 4)), Int16Models.output(b, "y0", S, 1), Int16Models.output(b, "y1", S, 1),
        Int16Models.output(b, "y2", S, 1)));
    check("SPLIT", 13, b -> op(b, BuiltinOperator.SPLIT, Table.of("SplitOptions").with("num_splits", 2), 4,
        List.of(b.constantInts("axis", new int[] {1}, 1), x(b, 3, 8)), Int16Models.output(b, "y0", S, 1),
        Int16Models.output(b, "y1", S, 1)));
    check("SPLIT_V", 14, b -> op(b, BuiltinOperator.SPLIT_V, Table.of("SplitVOptions").with("num_splits", 2), 2,
        List.of(x(b, 3, 8), b.constantInts("sizes", new int[] {5, 3}, 2), b.constantInts("axis", new int[] {1}, 1)),
        Int16Models.output(b, "y0", S, 1), Int16Models.output(b, "y1", S, 1)));
    check("SELECT", 15, b -> op(b, BuiltinOperator.SELECT, null, 2, List.of(b.input("c", DataType.BOOL, 3, 4),
        x(b, 3, 4), Int16Models.input(b, "x2", S, 3, 4)), y(b)));
    check("SELECT_V2", 16, b -> op(b, BuiltinOperator.SELECT_V2, null, 1, List.of(b.input("c", DataType.BOOL, 3, 1),
        x(b, 3, 4), Int16Models.input(b, "x2", S, 1, 4)), y(b)));
    check("FILL", 19, b -> op(b, BuiltinOperator.FILL, null, 3,
        List.of(b.constantInts("dims", new int[] {2, 3}, 2), Int16Models.input(b, "v", S)), y(b)));
    check("PAD", 17, b -> op(b, BuiltinOperator.PAD, null, 4,
        List.of(x(b, 1, 3, 3, 2), b.constantInts("p", new int[] {0, 0, 1, 2, 2, 0, 0, 1}, 4, 2)), y(b)));
    check("PADV2", 18, b -> {
      Tensor value = b.constant("v", DataType.INT16, Buffer.ofShorts((short) -1234), 1);
      value.setQuantization(Quantization.perTensor(S, 0));
      op(b, BuiltinOperator.PADV2, null, 4,
          List.of(x(b, 1, 3, 3, 2), b.constantInts("p", new int[] {0, 0, 1, 2, 2, 0, 0, 1}, 4, 2), value), y(b));
    });
  }

  /** PAD without a value fills with the output zero point, which 2.6.2 allows to be non-zero for int16. */
  @Test
  void padFillsWithTheZeroPoint() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.INT16, 1, 2, 2, 1);
    x.setQuantization(Quantization.perTensor(S, 77));
    Tensor y = b.tensor("y", DataType.INT16, 1);
    y.setQuantization(Quantization.perTensor(S, 77));
    op(b, BuiltinOperator.PAD, null, 4, List.of(x, b.constantInts("p", new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 4, 2)), y);
    QuantizedOracle.Checked c = ORACLE.check("PAD int16 zero point 77", b.build(),
        List.of(Int16Models.value(new short[] {1, 2, 3, 4}, 1, 2, 2, 1)));
    assertTrue(c.expected().get(0)[0] == 77 && c.expected().get(0)[1] == 0, "pad value");
  }

  /** int16 CONCATENATION copies the codes even when the input scales differ from the output's. */
  @Test
  void concatenationCopiesCodesWhateverTheScales() {
    ModelBuilder b = new ModelBuilder();
    Tensor a = Int16Models.input(b, "a", 0.01f, 2, 3);
    Tensor c = Int16Models.input(b, "c", 0.03f, 2, 2);
    Tensor y = Int16Models.output(b, "y", 0.02f, 1);
    op(b, BuiltinOperator.CONCATENATION, Table.of("ConcatenationOptions").with("axis", 1), 3, List.of(a, c), y);
    short[] va = {1, 2, 3, 4, 5, 6};
    short[] vc = {-7, 8, -9, 10};
    QuantizedOracle.Checked checked = ORACLE.check("CONCATENATION int16 different scales", b.build(),
        List.of(Int16Models.value(va, 2, 3), Int16Models.value(vc, 2, 2)));
    byte[] expected = TensorValue.ofShorts(DataType.INT16, Shape.of(2, 5),
        new short[] {1, 2, 3, -7, 8, 4, 5, 6, -9, 10}).toBytes();
    assertArrayEquals(expected, checked.expected().get(0));
  }

  @Test
  void quantizedParametersCheckedLikeTensorFlowLite() {
    ModelBuilder b = new ModelBuilder();
    Tensor a = b.input("a", DataType.INT16, 2, 3);
    a.setQuantization(Quantization.perTensor(S, 3));
    Tensor y = Int16Models.output(b, "y", S, 1);
    op(b, BuiltinOperator.CONCATENATION, Table.of("ConcatenationOptions").with("axis", 1), 3,
        List.of(a, Int16Models.input(b, "c", S, 2, 3)), y);
    InvalidModelException e = ORACLE.checkRefused("CONCATENATION int16 zero point 3", b.build(),
        InvalidModelException.class);
    assertTrue(e.getMessage().contains("zero point 3"), e.getMessage());

    ModelBuilder p = new ModelBuilder();
    Tensor yp = Int16Models.output(p, "y", S, 1);
    op(p, BuiltinOperator.PACK, Table.of("PackOptions").with("values_count", 2), 3,
        List.of(Int16Models.input(p, "a", S, 3), Int16Models.input(p, "c", 2 * S, 3)), yp);
    ORACLE.checkRefused("PACK int16 different scales", p.build(), InvalidModelException.class);
  }

  /**
   * Operators 2.6.2 has no int16 kernel for (or none that runs): the 16x8 operator table must leave
   * them out. LiteQuant's type-agnostic copies still run them.
   */
  @Test
  void operatorsWithoutInt16KernelIn2_6_2() {
    List<Model> models = new ArrayList<>();
    List<String> names = new ArrayList<>();
    names.add("TILE");
    models.add(single(b -> op(b, BuiltinOperator.TILE, null, 2,
        List.of(x(b, 2, 3), b.constantInts("m", new int[] {2, 1}, 2)), y(b))));
    names.add("DEPTH_TO_SPACE");
    models.add(single(b -> op(b, BuiltinOperator.DEPTH_TO_SPACE, Table.of("DepthToSpaceOptions").with("block_size", 2),
        2, List.of(x(b, 1, 2, 2, 4)), y(b))));
    names.add("SPACE_TO_DEPTH");
    models.add(single(b -> op(b, BuiltinOperator.SPACE_TO_DEPTH, Table.of("SpaceToDepthOptions").with("block_size", 2),
        2, List.of(x(b, 1, 4, 4, 1)), y(b))));
    names.add("SPACE_TO_BATCH_ND");
    models.add(single(b -> op(b, BuiltinOperator.SPACE_TO_BATCH_ND, null, 3, List.of(x(b, 1, 4, 4, 1),
        b.constantInts("bs", new int[] {2, 2}, 2), b.constantInts("p", new int[] {0, 0, 0, 0}, 2, 2)), y(b))));
    names.add("BATCH_TO_SPACE_ND");
    models.add(single(b -> op(b, BuiltinOperator.BATCH_TO_SPACE_ND, null, 3, List.of(x(b, 4, 2, 2, 1),
        b.constantInts("bs", new int[] {2, 2}, 2), b.constantInts("c", new int[] {0, 0, 0, 0}, 2, 2)), y(b))));
    names.add("MIRROR_PAD");
    models.add(single(b -> op(b, BuiltinOperator.MIRROR_PAD, Table.of("MirrorPadOptions"), 2,
        List.of(x(b, 1, 3, 3, 1), b.constantInts("p", new int[] {0, 0, 1, 1, 1, 1, 0, 0}, 4, 2)), y(b))));
    names.add("ARG_MAX");
    models.add(single(b -> {
      Tensor out = b.tensor("i", DataType.INT32, 1);
      op(b, BuiltinOperator.ARG_MAX, Table.of("ArgMaxOptions").with("output_type", 2), 2,
          List.of(x(b, 3, 4), b.constantInts("a", new int[] {1}, 1)), out);
    }));
    for (int i = 0; i < models.size(); i++) {
      String why = QuantizedOracle.oracleRefuses(names.get(i) + " int16", models.get(i));
      assertTrue(!why.isEmpty(), names.get(i));
    }
  }

  private static Model single(Consumer<ModelBuilder> build) {
    ModelBuilder b = new ModelBuilder();
    build.accept(b);
    return b.build();
  }
}
