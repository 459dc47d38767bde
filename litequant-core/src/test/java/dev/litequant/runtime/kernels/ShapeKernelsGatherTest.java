package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.EMBEDDING_LOOKUP;
import static dev.litequant.graph.BuiltinOperator.GATHER;
import static dev.litequant.graph.BuiltinOperator.GATHER_ND;
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

/** GATHER (axis, batch_dims), GATHER_ND and EMBEDDING_LOOKUP, with run-time index checks. */
class ShapeKernelsGatherTest {
  private static Table gather(int axis, int batchDims) {
    return Table.of("GatherOptions").with("axis", axis).with("batch_dims", batchDims);
  }

  private static TensorValue ints(int[] shape, int... values) {
    return TensorValue.ofInts(Shape.of(shape), values);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "BOOL"})
  void gatherAlongTheFirstAxis(DataType type) {
    new SingleOpModel(110).input(type, 5, 3).input(ints(shape(2, 3), 4, 0, 2, 2, 1, 4))
        .op(GATHER, gather(0, 0), type, shape(2, 3, 3))
        .checkAgainstOracle();
  }

  @Test
  void gatherAlongInnerAndNegativeAxes() {
    new SingleOpModel(111).input(DataType.FLOAT32, 2, 5, 3).input(ints(shape(4), 1, 1, 4, 0))
        .op(GATHER, gather(1, 0), DataType.FLOAT32, shape(2, 4, 3))
        .checkAgainstOracle();
    new SingleOpModel(112).input(DataType.FLOAT32, 2, 5, 3).ints(2, 0)
        .op(GATHER, gather(-1, 0), DataType.FLOAT32, shape(2, 5, 2))
        .checkAgainstOracle();
  }

  @Test
  void gatherWithAScalarIndexDropsTheAxis() {
    new SingleOpModel(113).input(DataType.FLOAT32, 4, 3).input(ints(shape(), 2))
        .op(GATHER, gather(0, 0), DataType.FLOAT32, shape(3))
        .checkAgainstOracle();
  }

  @Test
  void gatherWithInt64Indices() {
    new SingleOpModel(114).input(DataType.INT8, 3, 4).input(TensorValue.ofLongs(Shape.of(3), 3, 0, 3))
        .op(GATHER, gather(1, 0), DataType.INT8, shape(3, 3))
        .checkAgainstOracle();
  }

  @Test
  void gatherWithBatchDims() {
    // params [2, 4, 3], indices [2, 5]: batch b takes params[b, indices[b, c], :].
    new SingleOpModel(115).input(DataType.FLOAT32, 2, 4, 3).input(ints(shape(2, 5), 0, 3, 1, 1, 2, 3, 3, 0, 2, 1))
        .op(GATHER, gather(1, 1), DataType.FLOAT32, shape(2, 5, 3))
        .checkAgainstOracle();
    // params [2, 3, 4], gathering along axis 2 with one batch axis: an outer axis between them.
    new SingleOpModel(116).input(DataType.INT32, 2, 3, 4).input(ints(shape(2, 2), 3, 0, 1, 1))
        .op(GATHER, gather(2, -1), DataType.INT32, shape(2, 3, 2))
        .checkAgainstOracle();
  }

  @Test
  void gatherWorkedExample() {
    TensorValue out = new SingleOpModel(117).input(iota(3, 2)).input(ints(shape(2), 2, 0))
        .op(GATHER, gather(0, 0), DataType.FLOAT32, shape(2, 2))
        .run().get(0);
    assertArrayEquals(new float[] {4, 5, 0, 1}, out.floats());
  }

  @Test
  void gatherRejectsAnIndexOutsideTheAxisAtRunTime() {
    SingleOpModel m = new SingleOpModel(118).input(DataType.FLOAT32, 3, 2).input(ints(shape(2), 1, 3))
        .op(GATHER, gather(0, 0), DataType.FLOAT32, shape(2, 2));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, m::run);
    assertTrue(e.getMessage().contains("GATHER") && e.getMessage().contains("index 3")
        && e.getMessage().contains("[0, 3)"), e.getMessage());
  }

  @Test
  void gatherRejectsBatchDimsBeyondTheAxis() {
    SingleOpModel m = new SingleOpModel(119).input(DataType.FLOAT32, 2, 3).input(ints(shape(2, 2), 0, 0, 0, 0))
        .op(GATHER, gather(0, 1), DataType.FLOAT32, shape(2, 3));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8"})
  void gatherNdOfSlicesAndElements(DataType type) {
    new SingleOpModel(120).input(type, 3, 4, 2).input(ints(shape(2, 1), 2, 0))
        .op(GATHER_ND, Table.of("GatherNdOptions"), type, shape(2, 4, 2))
        .checkAgainstOracle();
    new SingleOpModel(121).input(type, 3, 4, 2).input(ints(shape(2, 2, 3), 0, 0, 1, 2, 3, 0, 1, 1, 1, 0, 2, 1))
        .op(GATHER_ND, Table.of("GatherNdOptions"), type, shape(2, 2))
        .checkAgainstOracle();
  }

  @Test
  void gatherNdWithInt64Indices() {
    new SingleOpModel(122).input(DataType.FLOAT32, 3, 4).input(TensorValue.ofLongs(Shape.of(3, 2), 2, 3, 0, 0, 1, 2))
        .op(GATHER_ND, Table.of("GatherNdOptions"), DataType.FLOAT32, shape(3))
        .checkAgainstOracle();
  }

  @Test
  void gatherNdRejectsAnIndexOutsideItsAxisAtRunTime() {
    SingleOpModel m = new SingleOpModel(123).input(DataType.FLOAT32, 3, 4).input(ints(shape(1, 2), 1, -1))
        .op(GATHER_ND, Table.of("GatherNdOptions"), DataType.FLOAT32, shape(1));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, m::run);
    assertTrue(e.getMessage().contains("GATHER_ND") && e.getMessage().contains("index -1")
        && e.getMessage().contains("axis 1"), e.getMessage());
  }

  @Test
  void embeddingLookupCopiesTableRows() {
    new SingleOpModel(124).input(ints(shape(4), 2, 0, 2, 1)).input(DataType.FLOAT32, 3, 2, 4)
        .op(EMBEDDING_LOOKUP, null, DataType.FLOAT32, shape(4, 2, 4))
        .checkAgainstOracle();
  }

  @Test
  void embeddingLookupRejectsAnUnknownIdAtRunTime() {
    SingleOpModel m = new SingleOpModel(125).input(ints(shape(2), 0, 5)).input(DataType.FLOAT32, 3, 2)
        .op(EMBEDDING_LOOKUP, null, DataType.FLOAT32, shape(2, 2));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, m::run);
    assertTrue(e.getMessage().contains("EMBEDDING_LOOKUP") && e.getMessage().contains("index 5"), e.getMessage());
  }
}
