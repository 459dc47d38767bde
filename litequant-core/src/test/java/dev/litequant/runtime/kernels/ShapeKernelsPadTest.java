package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.MIRROR_PAD;
import static dev.litequant.graph.BuiltinOperator.PAD;
import static dev.litequant.graph.BuiltinOperator.PADV2;
import static dev.litequant.runtime.kernels.SingleOpModel.iota;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PAD, PADV2 and MIRROR_PAD (both modes), including quantized padding with a non-zero zero point. */
class ShapeKernelsPadTest {
  private static final int REFLECT = 0;
  private static final int SYMMETRIC = 1;

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8"})
  void padAddsABorderOfZeros(DataType type) {
    new SingleOpModel(50).input(type, 2, 3, 4).ints(shape(3, 2), 1, 0, 0, 2, 3, 1)
        .op(PAD, Table.of("PadOptions"), type, shape(3, 5, 8))
        .checkAgainstOracle();
  }

  @Test
  void padOfAnInt8TensorFillsWithTheZeroPoint() {
    new SingleOpModel(51).quantized(Quantization.perTensor(0.25f, -7)).input(DataType.INT8, 1, 3, 3, 2)
        .ints(shape(4, 2), 0, 0, 1, 2, 2, 1, 0, 0)
        .op(PAD, Table.of("PadOptions"), DataType.INT8, shape(1, 6, 6, 2))
        .checkAgainstOracle();
    new SingleOpModel(52).quantized(Quantization.perTensor(0.5f, 131)).input(DataType.UINT8, 2, 2)
        .ints(shape(2, 2), 1, 1, 1, 1)
        .op(PAD, Table.of("PadOptions"), DataType.UINT8, shape(4, 4))
        .checkAgainstOracle();
  }

  @Test
  void padWorkedExampleWithAZeroPoint() {
    TensorValue out = new SingleOpModel(53).quantized(Quantization.perTensor(0.1f, 5))
        .input(TensorValue.ofBytes(DataType.INT8, Shape.of(2), (byte) 1, (byte) 2))
        .ints(shape(1, 2), 1, 2)
        .op(PAD, Table.of("PadOptions"), DataType.INT8, shape(5))
        .run().get(0);
    assertArrayEquals(new byte[] {5, 1, 2, 5, 5}, out.bytes());
  }

  @Test
  void padOfFiveDimensions() {
    new SingleOpModel(54).input(DataType.FLOAT32, 2, 1, 2, 3, 2).ints(shape(5, 2), 0, 1, 1, 0, 0, 0, 2, 2, 1, 1)
        .op(PAD, Table.of("PadOptions"), DataType.FLOAT32, shape(3, 2, 2, 7, 4))
        .checkAgainstOracle();
  }

  @Test
  void padWithInt64PaddingsWorkedExample() {
    // 2.6.2 sizes the output reading int64 paddings as int32 (a bug); the paddings here are read as values.
    TensorValue out = new SingleOpModel(64).input(iota(1, 2))
        .constant(TensorValue.ofLongs(Shape.of(2, 2), 1, 0, 0, 1))
        .op(PAD, Table.of("PadOptions"), DataType.FLOAT32, shape(2, 3))
        .run().get(0);
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0}, out.floats());
  }

  @Test
  void padV2FillsWithItsConstant() {
    new SingleOpModel(55).input(DataType.FLOAT32, 3, 4).ints(shape(2, 2), 2, 1, 0, 3)
        .constant(TensorValue.ofFloats(Shape.scalar(), -3.5f))
        .op(PADV2, Table.of("PadV2Options"), DataType.FLOAT32, shape(6, 7))
        .checkAgainstOracle();
    new SingleOpModel(56).input(DataType.INT32, 3, 4).ints(shape(2, 2), 0, 1, 1, 0)
        .constant(TensorValue.ofInts(Shape.scalar(), 77))
        .op(PADV2, Table.of("PadV2Options"), DataType.INT32, shape(4, 5))
        .checkAgainstOracle();
  }

  @Test
  void padV2OfAnInt8TensorFillsWithTheRawConstant() {
    Quantization q = Quantization.perTensor(0.5f, 3);
    SingleOpModel m = new SingleOpModel(57).quantized(q).input(DataType.INT8, 2, 3).ints(shape(2, 2), 1, 0, 2, 2);
    m.quantized(q).input(TensorValue.ofBytes(DataType.INT8, Shape.scalar(), (byte) -100));
    m.op(PADV2, Table.of("PadV2Options"), DataType.INT8, shape(3, 7)).checkAgainstOracle();
  }

  @ParameterizedTest
  @ValueSource(ints = {REFLECT, SYMMETRIC})
  void mirrorPadInBothModes(int mode) {
    int extra = mode == SYMMETRIC ? 1 : 0;
    // The largest paddings each mode allows: size - 1 for REFLECT, size for SYMMETRIC.
    new SingleOpModel(58).input(DataType.FLOAT32, 3, 4, 2).ints(shape(3, 2), 2 + extra, 1, 0, 3 + extra, 1 + extra, 1)
        .op(MIRROR_PAD, Table.of("MirrorPadOptions").with("mode", mode), DataType.FLOAT32,
            shape(6 + extra, 7 + extra, 4 + extra))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT32", "INT64", "INT8", "UINT8"})
  void mirrorPadOfOtherTypes(DataType type) {
    for (int mode : new int[] {REFLECT, SYMMETRIC}) {
      new SingleOpModel(59).input(type, 4, 3).ints(shape(2, 2), 1, 2, 2, 1)
          .op(MIRROR_PAD, Table.of("MirrorPadOptions").with("mode", mode), type, shape(7, 6))
          .checkAgainstOracle();
    }
  }

  @Test
  void mirrorPadWorkedExample() {
    // [0, 1, 2] padded by 2 on each side.
    TensorValue reflect = new SingleOpModel(60).input(iota(3)).ints(shape(1, 2), 2, 2)
        .op(MIRROR_PAD, Table.of("MirrorPadOptions").with("mode", REFLECT), DataType.FLOAT32, shape(7))
        .run().get(0);
    assertArrayEquals(new float[] {2, 1, 0, 1, 2, 1, 0}, reflect.floats());
    TensorValue symmetric = new SingleOpModel(61).input(iota(3)).ints(shape(1, 2), 2, 2)
        .op(MIRROR_PAD, Table.of("MirrorPadOptions").with("mode", SYMMETRIC), DataType.FLOAT32, shape(7))
        .run().get(0);
    assertArrayEquals(new float[] {1, 0, 0, 1, 2, 2, 1}, symmetric.floats());
  }

  @Test
  void mirrorPadRejectsPaddingLongerThanTheInput() {
    SingleOpModel m = new SingleOpModel(62).input(DataType.FLOAT32, 3).ints(shape(1, 2), 3, 0)
        .op(MIRROR_PAD, Table.of("MirrorPadOptions").with("mode", REFLECT), DataType.FLOAT32, shape(6));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("at most 2"), e.getMessage());
  }

  @Test
  void padRejectsNegativePaddings() {
    SingleOpModel m = new SingleOpModel(63).input(DataType.FLOAT32, 3).ints(shape(1, 2), -1, 0)
        .op(PAD, Table.of("PadOptions"), DataType.FLOAT32, shape(2));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
  }
}
