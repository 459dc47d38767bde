package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BROADCAST_TO;
import static dev.litequant.graph.BuiltinOperator.DEPTH_TO_SPACE;
import static dev.litequant.graph.BuiltinOperator.REVERSE_V2;
import static dev.litequant.graph.BuiltinOperator.SPACE_TO_DEPTH;
import static dev.litequant.graph.BuiltinOperator.TILE;
import static dev.litequant.graph.BuiltinOperator.TRANSPOSE;
import static dev.litequant.runtime.kernels.SingleOpModel.iota;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.params.provider.ValueSource;

/** TRANSPOSE, TILE, BROADCAST_TO, REVERSE_V2, SPACE_TO_DEPTH and DEPTH_TO_SPACE. */
class ShapeKernelsRearrangeTest {
  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16", "BOOL"})
  void transposeNchwToNhwcAndBack(DataType type) {
    new SingleOpModel(70).input(type, 2, 3, 4, 5).ints(0, 2, 3, 1)
        .op(TRANSPOSE, Table.of("TransposeOptions"), type, shape(2, 4, 5, 3))
        .checkAgainstOracle();
    new SingleOpModel(71).input(type, 2, 4, 5, 3).ints(0, 3, 1, 2)
        .op(TRANSPOSE, Table.of("TransposeOptions"), type, shape(2, 3, 4, 5))
        .checkAgainstOracle();
  }

  @Test
  void transposeOfTwoAndFiveDimensions() {
    new SingleOpModel(72).input(DataType.FLOAT32, 7, 3).ints(1, 0)
        .op(TRANSPOSE, Table.of("TransposeOptions"), DataType.FLOAT32, shape(3, 7))
        .checkAgainstOracle();
    new SingleOpModel(73).input(DataType.FLOAT32, 2, 3, 1, 4, 3).ints(4, 3, 0, 2, 1)
        .op(TRANSPOSE, Table.of("TransposeOptions"), DataType.FLOAT32, shape(3, 4, 2, 1, 3))
        .checkAgainstOracle();
  }

  @Test
  void transposeOfSixDimensionsWorkedExample() {
    // 2.6.2 stops at 5-D. Reversing the axes of a [2, 1, 1, 1, 1, 3] iota: out[c, 0, 0, 0, 0, a] = 3a + c.
    TensorValue out = new SingleOpModel(69).input(iota(2, 1, 1, 1, 1, 3)).ints(5, 4, 3, 2, 1, 0)
        .op(TRANSPOSE, Table.of("TransposeOptions"), DataType.FLOAT32, shape(3, 1, 1, 1, 1, 2))
        .run().get(0);
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, out.floats());
  }

  @Test
  void tileOfInt8WorkedExample() {
    // 2.6.2 has no int8 TILE; the copy does not depend on the type.
    TensorValue out = new SingleOpModel(68).input(TensorValue.ofBytes(DataType.INT8, Shape.of(2), (byte) -1, (byte) 7))
        .ints(3).op(TILE, Table.of("TileOptions"), DataType.INT8, shape(6))
        .run().get(0);
    assertArrayEquals(new byte[] {-1, 7, -1, 7, -1, 7}, out.bytes());
  }

  @Test
  void transposeRejectsARepeatedAxis() {
    SingleOpModel m = new SingleOpModel(74).input(DataType.FLOAT32, 2, 3).ints(0, 0)
        .op(TRANSPOSE, Table.of("TransposeOptions"), DataType.FLOAT32, shape(2, 2));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "UINT8", "BOOL"})
  void tileRepeatsAlongEachAxis(DataType type) {
    new SingleOpModel(75).input(type, 2, 1, 3).ints(2, 3, 1)
        .op(TILE, Table.of("TileOptions"), type, shape(4, 3, 3))
        .checkAgainstOracle();
  }

  @Test
  void tileTakesInt64Multiples() {
    new SingleOpModel(76).input(DataType.FLOAT32, 3, 2).constant(TensorValue.ofLongs(Shape.of(2), 1, 4))
        .op(TILE, Table.of("TileOptions"), DataType.FLOAT32, shape(3, 8))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT8", "BOOL"})
  void broadcastToAddsAndStretchesAxes(DataType type) {
    new SingleOpModel(77).input(type, 3, 1).ints(2, 3, 4).version(2)
        .op(BROADCAST_TO, Table.of("BroadcastToOptions"), type, shape(2, 3, 4))
        .checkAgainstOracle();
    new SingleOpModel(78).input(type, 1, 4, 1, 2).constant(TensorValue.ofLongs(Shape.of(4), 3, 4, 2, 2)).version(2)
        .op(BROADCAST_TO, Table.of("BroadcastToOptions"), type, shape(3, 4, 2, 2))
        .checkAgainstOracle();
  }

  @Test
  void broadcastToRejectsIncompatibleShapes() {
    SingleOpModel m = new SingleOpModel(79).input(DataType.FLOAT32, 3, 2).ints(3, 4)
        .op(BROADCAST_TO, Table.of("BroadcastToOptions"), DataType.FLOAT32, shape(3, 4));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void reverseAlongOneAxis(int axis) {
    new SingleOpModel(80).input(DataType.FLOAT32, 2, 3, 4, 5).ints(axis)
        .op(REVERSE_V2, Table.of("ReverseV2Options"), DataType.FLOAT32, shape(2, 3, 4, 5))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT32", "INT64", "UINT8", "INT16"})
  void reverseOfOtherTypes(DataType type) {
    new SingleOpModel(81).input(type, 4, 3).ints(1)
        .op(REVERSE_V2, Table.of("ReverseV2Options"), type, shape(4, 3))
        .checkAgainstOracle();
  }

  @Test
  void reverseAlongSeveralAxesWorkedExample() {
    // 2.6.2 reverses only the first of several axes; TensorFlow reverses them all.
    TensorValue out = new SingleOpModel(82).input(iota(2, 3)).ints(0, -1)
        .op(REVERSE_V2, Table.of("ReverseV2Options"), DataType.FLOAT32, shape(2, 3))
        .run().get(0);
    assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0}, out.floats());
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8"})
  void spaceToDepthAndBack(DataType type) {
    new SingleOpModel(83).input(type, 2, 4, 6, 3)
        .op(SPACE_TO_DEPTH, Table.of("SpaceToDepthOptions").with("block_size", 2), type, shape(2, 2, 3, 12))
        .checkAgainstOracle();
    new SingleOpModel(84).input(type, 2, 2, 3, 12)
        .op(DEPTH_TO_SPACE, Table.of("DepthToSpaceOptions").with("block_size", 2), type, shape(2, 4, 6, 3))
        .checkAgainstOracle();
  }

  @Test
  void spaceToDepthWithBlockThree() {
    new SingleOpModel(85).input(DataType.FLOAT32, 1, 6, 3, 2)
        .op(SPACE_TO_DEPTH, Table.of("SpaceToDepthOptions").with("block_size", 3), DataType.FLOAT32, shape(1, 2, 1, 18))
        .checkAgainstOracle();
    new SingleOpModel(86).input(DataType.FLOAT32, 1, 2, 1, 18)
        .op(DEPTH_TO_SPACE, Table.of("DepthToSpaceOptions").with("block_size", 3), DataType.FLOAT32, shape(1, 6, 3, 2))
        .checkAgainstOracle();
  }

  @Test
  void spaceToDepthWorkedExample() {
    // A 2x2 single-channel image [[0, 1], [2, 3]] becomes one pixel with channels 0, 1, 2, 3.
    TensorValue out = new SingleOpModel(87).input(iota(1, 2, 2, 1))
        .op(SPACE_TO_DEPTH, Table.of("SpaceToDepthOptions").with("block_size", 2), DataType.FLOAT32, shape(1, 1, 1, 4))
        .run().get(0);
    assertArrayEquals(new float[] {0, 1, 2, 3}, out.floats());
    // A 1x2 image of two channels [[[0, 1], [2, 3]]] with block 2 needs height 2: refused.
    SingleOpModel bad = new SingleOpModel(88).input(iota(1, 1, 2, 2))
        .op(SPACE_TO_DEPTH, Table.of("SpaceToDepthOptions").with("block_size", 2), DataType.FLOAT32, shape(1, 0, 1, 8));
    assertThrows(InvalidModelException.class,
        () -> Interpreter.create(bad.model(), InterpreterOptions.referenceKernels()));
  }
}
