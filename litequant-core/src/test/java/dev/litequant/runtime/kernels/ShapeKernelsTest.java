package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.EXPAND_DIMS;
import static dev.litequant.graph.BuiltinOperator.FILL;
import static dev.litequant.graph.BuiltinOperator.RESHAPE;
import static dev.litequant.graph.BuiltinOperator.SELECT;
import static dev.litequant.graph.BuiltinOperator.SELECT_V2;
import static dev.litequant.graph.BuiltinOperator.SHAPE;
import static dev.litequant.graph.BuiltinOperator.SQUEEZE;
import static dev.litequant.graph.BuiltinOperator.ZEROS_LIKE;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE, FILL, ZEROS_LIKE, SELECT and SELECT_V2 against TensorFlow
 * Lite 2.6.2, for several element types.
 */
class ShapeKernelsTest {
  private static Table options(String table) {
    return Table.of(table);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16", "BOOL"})
  void reshapeInfersTheMinusOneDimensionFromAShapeInput(DataType type) {
    new SingleOpModel(1).input(type, 2, 3, 4).ints(-1, 6)
        .op(RESHAPE, options("ReshapeOptions"), type, shape(4, 6))
        .checkAgainstOracle();
  }

  @Test
  void reshapeUsesTheOptionsWithoutAShapeInput() {
    new SingleOpModel(2).input(DataType.FLOAT32, 2, 3, 4)
        .op(RESHAPE, options("ReshapeOptions").with("new_shape", new int[] {4, -1, 2}), DataType.FLOAT32,
            shape(4, 3, 2))
        .checkAgainstOracle();
  }

  @Test
  void reshapeOfOneElementToAScalarWithTheLegacyZeroShape() {
    new SingleOpModel(3).input(DataType.FLOAT32, 1, 1)
        .op(RESHAPE, options("ReshapeOptions").with("new_shape", new int[] {0}), DataType.FLOAT32, shape())
        .checkAgainstOracle();
  }

  @Test
  void reshapeRejectsAShapeWithTheWrongElementCount() {
    SingleOpModel m = new SingleOpModel(4).input(DataType.FLOAT32, 2, 3).ints(4, 2)
        .op(RESHAPE, options("ReshapeOptions"), DataType.FLOAT32, shape(4, 2));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("RESHAPE") && e.getMessage().contains("[4, 2]"), e.getMessage());
  }

  @Test
  void reshapeNeedsAShapeKnownBeforeRunning() {
    SingleOpModel m = new SingleOpModel(5).input(DataType.FLOAT32, 2, 3)
        .input(TensorValue.ofInts(Shape.of(2), 3, 2))
        .op(RESHAPE, options("ReshapeOptions"), DataType.FLOAT32, shape(3, 2));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("RESHAPE"), e.getMessage());
  }

  @Test
  void squeezeRemovesEverySizeOneAxisWhenNoneAreListed() {
    new SingleOpModel(6).input(DataType.FLOAT32, 1, 3, 1, 2, 1)
        .op(SQUEEZE, options("SqueezeOptions"), DataType.FLOAT32, shape(3, 2))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT8", "BOOL"})
  void squeezeRemovesOnlyTheListedAxesCountingFromEitherEnd(DataType type) {
    new SingleOpModel(7).input(type, 1, 3, 1, 2, 1)
        .op(SQUEEZE, options("SqueezeOptions").with("squeeze_dims", new int[] {0, -1}), type, shape(3, 1, 2))
        .checkAgainstOracle();
  }

  @Test
  void squeezeRejectsAnAxisLongerThanOne() {
    SingleOpModel m = new SingleOpModel(8).input(DataType.FLOAT32, 1, 3)
        .op(SQUEEZE, options("SqueezeOptions").with("squeeze_dims", new int[] {1}), DataType.FLOAT32, shape(1));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("axis 1") && e.getMessage().contains("size is 3"), e.getMessage());
  }

  @Test
  void expandDimsInsertsAnAxisAtTheFrontMiddleOrEnd() {
    new SingleOpModel(9).input(DataType.FLOAT32, 2, 3).scalar(0)
        .op(EXPAND_DIMS, options("ExpandDimsOptions"), DataType.FLOAT32, shape(1, 2, 3))
        .checkAgainstOracle();
    new SingleOpModel(10).input(DataType.INT8, 2, 3).ints(1)
        .op(EXPAND_DIMS, options("ExpandDimsOptions"), DataType.INT8, shape(2, 1, 3))
        .checkAgainstOracle();
    new SingleOpModel(11).input(DataType.INT32, 2, 3)
        .constant(TensorValue.ofLongs(Shape.scalar(), -1))
        .op(EXPAND_DIMS, options("ExpandDimsOptions"), DataType.INT32, shape(2, 3, 1))
        .checkAgainstOracle();
  }

  @Test
  void shapeReportsDimensionsAsInt32OrInt64() {
    new SingleOpModel(12).input(DataType.FLOAT32, 2, 5, 3)
        .op(SHAPE, options("ShapeOptions").with("out_type", DataType.INT32.code()), DataType.INT32, shape(3))
        .checkAgainstOracle();
    new SingleOpModel(13).input(DataType.INT8, 7, 1)
        .op(SHAPE, options("ShapeOptions").with("out_type", DataType.INT64.code()), DataType.INT64, shape(2))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "BOOL"})
  void fillRepeatsARuntimeValueOverAConstantShape(DataType type) {
    new SingleOpModel(14).ints(2, 3, 4).input(type)
        .op(FILL, options("FillOptions"), type, shape(2, 3, 4))
        .checkAgainstOracle();
  }

  @Test
  void fillTakesInt64Dims() {
    new SingleOpModel(15).constant(TensorValue.ofLongs(Shape.of(2), 3, 2)).input(DataType.FLOAT32)
        .op(FILL, options("FillOptions"), DataType.FLOAT32, shape(3, 2))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64"})
  void zerosLikeWritesZerosInTheInputShape(DataType type) {
    new SingleOpModel(16).input(type, 3, 4)
        .op(ZEROS_LIKE, options("ZerosLikeOptions"), type, shape(3, 4))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16", "BOOL"})
  void selectChoosesElementwiseWhenShapesAgree(DataType type) {
    new SingleOpModel(17).input(DataType.BOOL, 2, 3, 4).input(type, 2, 3, 4).input(type, 2, 3, 4)
        .op(SELECT, options("SelectOptions"), type, shape(2, 3, 4))
        .checkAgainstOracle();
    new SingleOpModel(18).input(DataType.BOOL, 2, 3, 4).input(type, 2, 3, 4).input(type, 2, 3, 4)
        .op(SELECT_V2, options("SelectV2Options"), type, shape(2, 3, 4))
        .checkAgainstOracle();
  }

  @Test
  void selectWithARankOneConditionChoosesRows() {
    new SingleOpModel(19).input(DataType.BOOL, 5).input(DataType.FLOAT32, 5, 2, 3).input(DataType.FLOAT32, 5, 2, 3)
        .op(SELECT, options("SelectOptions"), DataType.FLOAT32, shape(5, 2, 3))
        .checkAgainstOracle();
  }

  @Test
  void selectWithAScalarConditionChoosesAWholeTensor() {
    for (byte c = 0; c <= 1; c++) {
      new SingleOpModel(20).input(TensorValue.ofBytes(DataType.BOOL, Shape.scalar(), c))
          .input(DataType.INT32, 4, 3).input(DataType.INT32, 4, 3)
          .op(SELECT, options("SelectOptions"), DataType.INT32, shape(4, 3))
          .checkAgainstOracle();
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT8", "BOOL"})
  void selectV2BroadcastsAllThreeInputs(DataType type) {
    new SingleOpModel(21).input(DataType.BOOL, 1, 3, 1).input(type, 2, 1, 4).input(type, 3, 1)
        .op(SELECT_V2, options("SelectV2Options"), type, shape(2, 3, 4))
        .checkAgainstOracle();
    new SingleOpModel(22).input(DataType.BOOL, 2, 1, 3, 1).input(type).input(type, 5)
        .op(SELECT_V2, options("SelectV2Options"), type, shape(2, 1, 3, 5))
        .checkAgainstOracle();
  }

  @Test
  void selectV2WorkedExample() {
    // condition [[1], [0]] picks x's row for row 0 and y's for row 1; x [1, 2] and y scalar 9 broadcast.
    List<TensorValue> out = new SingleOpModel(23)
        .input(TensorValue.ofBytes(DataType.BOOL, Shape.of(2, 1), (byte) 1, (byte) 0))
        .input(TensorValue.ofFloats(Shape.of(2), 1, 2))
        .input(TensorValue.ofFloats(Shape.scalar(), 9))
        .op(SELECT_V2, options("SelectV2Options"), DataType.FLOAT32, shape(2, 2))
        .run();
    assertArrayEquals(new float[] {1, 2, 9, 9}, out.get(0).floats());
  }
}
