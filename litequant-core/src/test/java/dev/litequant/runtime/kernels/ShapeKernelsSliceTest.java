package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.SLICE;
import static dev.litequant.graph.BuiltinOperator.STRIDED_SLICE;
import static dev.litequant.runtime.kernels.SingleOpModel.iota;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SLICE and STRIDED_SLICE. Every mask combination TensorFlow Lite 2.6.2 accepts is compared with it,
 * including its clamping of out-of-range begins; ellipsis, new-axis and offset, which 2.6.2 refuses,
 * are checked on hand-worked examples.
 */
class ShapeKernelsSliceTest {
  private static Table masks(int begin, int end, int ellipsis, int newAxis, int shrink) {
    return Table.of("StridedSliceOptions").with("begin_mask", begin).with("end_mask", end)
        .with("ellipsis_mask", ellipsis).with("new_axis_mask", newAxis).with("shrink_axis_mask", shrink);
  }

  private static SingleOpModel stridedSlice(DataType type, int[] in, int[] begin, int[] end, int[] strides,
      Table options, int[] out) {
    return new SingleOpModel(31).input(type, in).ints(begin).ints(end).ints(strides)
        .op(STRIDED_SLICE, options, type, out);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16", "BOOL"})
  void sliceTakesASizeOrTheRestOfEachAxis(DataType type) {
    new SingleOpModel(30).input(type, 3, 4, 5).ints(1, 0, 2).ints(2, -1, 3)
        .op(SLICE, Table.of("SliceOptions"), type, shape(2, 4, 3))
        .checkAgainstOracle();
  }

  @Test
  void sliceTakesInt64BeginAndSize() {
    new SingleOpModel(31).input(DataType.FLOAT32, 2, 6)
        .constant(TensorValue.ofLongs(Shape.of(2), 1, 2)).constant(TensorValue.ofLongs(Shape.of(2), -1, 3))
        .op(SLICE, Table.of("SliceOptions"), DataType.FLOAT32, shape(1, 3))
        .checkAgainstOracle();
  }

  @Test
  void sliceRejectsARangeBeyondTheInput() {
    SingleOpModel m = new SingleOpModel(32).input(DataType.FLOAT32, 3, 4).ints(1, 2).ints(2, 3)
        .op(SLICE, Table.of("SliceOptions"), DataType.FLOAT32, shape(2, 3));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("axis 1") && e.getMessage().contains("[0, 4)"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16", "BOOL"})
  void stridedSliceWithPositiveStrides(DataType type) {
    stridedSlice(type, shape(3, 4, 5), shape(0, 1, 1), shape(3, 3, 4), shape(1, 1, 1), masks(0, 0, 0, 0, 0),
        shape(3, 2, 3)).checkAgainstOracle();
    stridedSlice(type, shape(3, 4, 5), shape(0, 0, 0), shape(3, 4, 5), shape(2, 1, 2), masks(0, 0, 0, 0, 0),
        shape(2, 4, 3)).checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT8", "BOOL"})
  void stridedSliceWithNegativeStridesAndIndices(DataType type) {
    // Axis 0: -1 -> 2 down to -4 -> -1 (clamped): 3 elements. Axis 1: 3 down to 0 by 2: 3, 1.
    // Axis 2: 4 down to 0: 4 elements.
    stridedSlice(type, shape(3, 4, 5), shape(-1, -1, 4), shape(-4, 0, 0), shape(-1, -2, -1), masks(0, 0, 0, 0, 0),
        shape(3, 2, 4)).checkAgainstOracle();
  }

  @Test
  void stridedSliceWithBeginAndEndMasks() {
    // Axis 0 from the start to 2; axis 1 from 1 to the end; axis 2 from the last element down to 2.
    stridedSlice(DataType.FLOAT32, shape(3, 4, 5), shape(1, 1, 1), shape(2, 2, 2), shape(1, 1, -1),
        masks(0b101, 0b010, 0, 0, 0), shape(2, 3, 2)).checkAgainstOracle();
    // Everything masked, reversed on the last axis.
    stridedSlice(DataType.INT32, shape(3, 4, 5), shape(0, 0, 0), shape(0, 0, 0), shape(1, 2, -2),
        masks(0b111, 0b111, 0, 0, 0), shape(3, 2, 3)).checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT8", "INT64"})
  void stridedSliceShrinksAxes(DataType type) {
    stridedSlice(type, shape(3, 4, 5), shape(0, 2, 0), shape(3, 3, 5), shape(1, 1, 1), masks(0, 0, 0, 0, 0b010),
        shape(3, 5)).checkAgainstOracle();
    // A negative index on a shrunk axis: end (0) is ignored.
    stridedSlice(type, shape(3, 4, 5), shape(-1, -1, 1), shape(0, 0, 4), shape(1, 1, 2), masks(0, 0, 0, 0, 0b011),
        shape(2)).checkAgainstOracle();
    // Down to a scalar.
    stridedSlice(type, shape(5), shape(2), shape(3), shape(1), masks(0, 0, 0, 0, 1), shape())
        .checkAgainstOracle();
  }

  @Test
  void stridedSliceClampsOutOfRangeIndices() {
    // Begin and end clamp to [0, size] for a positive stride, to [-1, size - 1] for a negative one.
    stridedSlice(DataType.FLOAT32, shape(3, 4, 5), shape(5, -9, 0), shape(10, 40, -10), shape(1, 1, 1),
        masks(0, 0, 0, 0, 0), shape(0, 4, 0)).checkOracleShapes();
    stridedSlice(DataType.FLOAT32, shape(3, 4, 5), shape(-10, 10, 7), shape(5, -10, -9), shape(1, -1, -2),
        masks(0, 0, 0, 0, 0), shape(3, 4, 3)).checkAgainstOracle();
    stridedSlice(DataType.FLOAT32, shape(3, 4, 5), shape(2, 0, 0), shape(1, 4, 5), shape(1, 1, 1),
        masks(0, 0, 0, 0, 0), shape(0, 4, 5)).checkOracleShapes();
  }

  @Test
  void stridedSliceOfFiveDimensions() {
    stridedSlice(DataType.FLOAT32, shape(2, 1, 3, 2, 4), shape(1, 0, -1, 0, 3), shape(2, 1, 0, 2, 0),
        shape(1, 1, -1, 1, -2), masks(0b00001, 0, 0, 0, 0b01000), shape(2, 1, 2, 2)).checkAgainstOracle();
  }

  @Test
  void stridedSliceEllipsisWorkedExample() {
    // x[..., 1] of a [2, 3, 4] iota: element (i, j, 1) = 12 i + 4 j + 1.
    TensorValue out = new SingleOpModel(40).input(iota(2, 3, 4)).ints(0, 1).ints(0, 2).ints(1, 1)
        .op(STRIDED_SLICE, masks(0, 0, 0b01, 0, 0b10), DataType.FLOAT32, shape(2, 3))
        .run().get(0);
    assertArrayEquals(new float[] {1, 5, 9, 13, 17, 21}, out.floats());
    // x[1, ...]: the ellipsis covers the last two axes.
    out = new SingleOpModel(41).input(iota(2, 3, 4)).ints(1, 0).ints(2, 0).ints(1, 1)
        .op(STRIDED_SLICE, masks(0, 0, 0b10, 0, 0b01), DataType.FLOAT32, shape(3, 4))
        .run().get(0);
    assertArrayEquals(iotaFrom(12, 12), out.floats());
    // y[..., 2] of a [4] vector: the ellipsis covers no axis.
    out = new SingleOpModel(42).input(iota(4)).ints(0, 2).ints(0, 3).ints(1, 1)
        .op(STRIDED_SLICE, masks(0, 0, 0b01, 0, 0b10), DataType.FLOAT32, shape())
        .run().get(0);
    assertArrayEquals(new float[] {2}, out.floats());
  }

  @Test
  void stridedSliceNewAxisWorkedExample() {
    // x[:, newaxis, 1:] of [[0, 1, 2], [3, 4, 5]] = [[[1, 2]], [[4, 5]]].
    TensorValue out = new SingleOpModel(43).input(iota(2, 3)).ints(0, 0, 1).ints(0, 0, 3).ints(1, 1, 1)
        .op(STRIDED_SLICE, masks(0b001, 0b001, 0, 0b010, 0), DataType.FLOAT32, shape(2, 1, 2))
        .run().get(0);
    assertArrayEquals(new float[] {1, 2, 4, 5}, out.floats());
    // x[newaxis, ..., 0] = [[0, 3]]; a new axis bit on the ellipsis entry is ignored.
    out = new SingleOpModel(44).input(iota(2, 3)).ints(0, 0, 0).ints(0, 0, 1).ints(1, 1, 1)
        .op(STRIDED_SLICE, masks(0, 0, 0b010, 0b011, 0b100), DataType.FLOAT32, shape(1, 2))
        .run().get(0);
    assertArrayEquals(new float[] {0, 3}, out.floats());
  }

  @Test
  void stridedSliceWithFewerEntriesThanAxesTakesTheRestWhole() {
    TensorValue out = new SingleOpModel(45).input(iota(2, 3, 4)).ints(1).ints(2).ints(1)
        .op(STRIDED_SLICE, masks(0, 0, 0, 0, 0), DataType.FLOAT32, shape(1, 3, 4))
        .run().get(0);
    assertArrayEquals(iotaFrom(12, 12), out.floats());
  }

  @Test
  void stridedSliceOffsetTakesEndAsASizeFromBegin() {
    Table offset = masks(0, 0, 0, 0, 0).with("offset", true);
    TensorValue out = new SingleOpModel(46).input(iota(2, 6)).ints(1, 2).ints(1, 3).ints(1, 1)
        .op(STRIDED_SLICE, offset, DataType.FLOAT32, shape(1, 3))
        .run().get(0);
    assertArrayEquals(new float[] {8, 9, 10}, out.floats());
    // begin computed at run time: the shape depends only on end.
    SingleOpModel dynamic = new SingleOpModel(47).input(iota(6)).input(TensorValue.ofInts(Shape.of(1), 3))
        .ints(3).ints(1).op(STRIDED_SLICE, offset, DataType.FLOAT32, shape(3));
    assertArrayEquals(new float[] {3, 4, 5}, dynamic.run().get(0).floats());
    Interpreter it = Interpreter.create(dynamic.model(), InterpreterOptions.referenceKernels());
    it.setInput(0, iota(6));
    it.setInput(1, TensorValue.ofInts(Shape.of(1), 4));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, it::invoke);
    assertTrue(e.getMessage().contains("STRIDED_SLICE") && e.getMessage().contains("[4]"), e.getMessage());
  }

  @Test
  void stridedSliceRejectsShrinkingToAnIndexOutsideTheAxis() {
    SingleOpModel m = stridedSlice(DataType.FLOAT32, shape(3, 4), shape(0, 4), shape(3, 5), shape(1, 1),
        masks(0, 0, 0, 0, 0b10), shape(3));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("index 4"), e.getMessage());
  }

  @Test
  void stridedSliceRejectsAZeroStride() {
    SingleOpModel m = stridedSlice(DataType.FLOAT32, shape(3, 4), shape(0, 0), shape(3, 4), shape(1, 0),
        masks(0, 0, 0, 0, 0), shape(3, 4));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("stride 0"), e.getMessage());
  }

  private static float[] iotaFrom(int start, int count) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = start + i;
    }
    return v;
  }
}
