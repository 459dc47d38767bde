package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.CONCATENATION;
import static dev.litequant.graph.BuiltinOperator.PACK;
import static dev.litequant.graph.BuiltinOperator.SPLIT;
import static dev.litequant.graph.BuiltinOperator.SPLIT_V;
import static dev.litequant.graph.BuiltinOperator.UNPACK;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CONCATENATION, PACK, UNPACK, SPLIT and SPLIT_V. */
class ShapeKernelsJoinSplitTest {
  private static Table concat(int axis) {
    return Table.of("ConcatenationOptions").with("axis", axis);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16"})
  void concatenationAlongFirstMiddleAndLastAxes(DataType type) {
    new SingleOpModel(90).input(type, 1, 3, 2).input(type, 2, 3, 2).input(type, 3, 3, 2)
        .op(CONCATENATION, concat(0), type, shape(6, 3, 2)).checkAgainstOracle();
    new SingleOpModel(91).input(type, 2, 1, 4).input(type, 2, 3, 4)
        .op(CONCATENATION, concat(1), type, shape(2, 4, 4)).checkAgainstOracle();
    new SingleOpModel(92).input(type, 2, 3, 1).input(type, 2, 3, 5).input(type, 2, 3, 2)
        .op(CONCATENATION, concat(-1), type, shape(2, 3, 8)).checkAgainstOracle();
  }

  @Test
  void concatenationOfInt8WithSharedQuantization() {
    new SingleOpModel(93).quantized(Quantization.perTensor(0.1f, -3)).input(DataType.INT8, 1, 2, 2, 3)
        .input(DataType.INT8, 1, 2, 2, 5).op(CONCATENATION, concat(3), DataType.INT8, shape(1, 2, 2, 8))
        .checkAgainstOracle();
  }

  @Test
  void concatenationRefusesToRequantizeUint8() {
    SingleOpModel m = new SingleOpModel(94).quantized(Quantization.perTensor(0.1f, 3)).input(DataType.UINT8, 2, 2);
    m.quantized(Quantization.perTensor(0.2f, 3)).input(DataType.UINT8, 2, 2)
        .op(CONCATENATION, concat(0), DataType.UINT8, shape(4, 2));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("requantizing"), e.getMessage());
  }

  @Test
  void concatenationWithAFusedReluWorkedExample() {
    // 2.6.2 refuses fused activations on CONCATENATION; later versions clamp float outputs.
    List<TensorValue> out = new SingleOpModel(95)
        .input(TensorValue.ofFloats(Shape.of(1, 2), -1, 7))
        .input(TensorValue.ofFloats(Shape.of(1, 1), 3))
        .op(CONCATENATION, concat(1).with("fused_activation_function", FusedActivation.RELU6.code()),
            DataType.FLOAT32, shape(1, 3))
        .run();
    assertArrayEquals(new float[] {0, 6, 3}, out.get(0).floats());
  }

  @Test
  void concatenationOfBoolsWorkedExample() {
    List<TensorValue> out = new SingleOpModel(96)
        .input(TensorValue.ofBytes(DataType.BOOL, Shape.of(2, 1), (byte) 1, (byte) 0))
        .input(TensorValue.ofBytes(DataType.BOOL, Shape.of(2, 2), (byte) 0, (byte) 0, (byte) 1, (byte) 1))
        .op(CONCATENATION, concat(1), DataType.BOOL, shape(2, 3))
        .run();
    assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 1}, out.get(0).bytes());
  }

  @Test
  void concatenationRejectsMismatchedShapes() {
    SingleOpModel m = new SingleOpModel(97).input(DataType.FLOAT32, 2, 3).input(DataType.FLOAT32, 3, 3)
        .op(CONCATENATION, concat(1), DataType.FLOAT32, shape(2, 6));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("axis 0 differs"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, -1, -3})
  void packAlongEachAxis(int axis) {
    int[] expected = switch (axis) {
      case 0, -3 -> shape(3, 2, 4);
      case 1 -> shape(2, 3, 4);
      default -> shape(2, 4, 3);
    };
    new SingleOpModel(98).input(DataType.FLOAT32, 2, 4).input(DataType.FLOAT32, 2, 4).input(DataType.FLOAT32, 2, 4)
        .op(PACK, Table.of("PackOptions").with("values_count", 3).with("axis", axis), DataType.FLOAT32, expected)
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT32", "INT64", "INT8", "UINT8", "INT16"})
  void packOfOtherTypes(DataType type) {
    new SingleOpModel(99).input(type, 3).input(type, 3)
        .op(PACK, Table.of("PackOptions").with("values_count", 2).with("axis", 1), type, shape(3, 2))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, -1})
  void unpackAlongEachAxis(int axis) {
    int[][] outs = switch (axis) {
      case 0 -> new int[][] {shape(2, 4), shape(2, 4), shape(2, 4)};
      case 1 -> new int[][] {shape(3, 4), shape(3, 4)};
      default -> new int[][] {shape(3, 2), shape(3, 2), shape(3, 2), shape(3, 2)};
    };
    new SingleOpModel(100).input(DataType.FLOAT32, 3, 2, 4)
        .op(UNPACK, Table.of("UnpackOptions").with("num", outs.length).with("axis", axis), DataType.FLOAT32, outs)
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"INT32", "INT8", "UINT8", "INT16"})
  void unpackOfOtherTypes(DataType type) {
    new SingleOpModel(101).input(type, 2, 3)
        .op(UNPACK, Table.of("UnpackOptions").with("num", 3).with("axis", 1), type, shape(2), shape(2), shape(2))
        .checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT8", "UINT8", "INT16"})
  void splitIntoEqualParts(DataType type) {
    new SingleOpModel(102).scalar(1).input(type, 2, 6, 3)
        .op(SPLIT, Table.of("SplitOptions").with("num_splits", 3), type, shape(2, 2, 3), shape(2, 2, 3), shape(2, 2, 3))
        .checkAgainstOracle();
    new SingleOpModel(103).ints(-1).input(type, 2, 6, 4)
        .op(SPLIT, Table.of("SplitOptions").with("num_splits", 2), type, shape(2, 6, 2), shape(2, 6, 2))
        .checkAgainstOracle();
  }

  @Test
  void splitRejectsAnUnevenSplit() {
    SingleOpModel m = new SingleOpModel(104).scalar(0).input(DataType.FLOAT32, 5)
        .op(SPLIT, Table.of("SplitOptions").with("num_splits", 2), DataType.FLOAT32, shape(2), shape(2));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8", "INT16"})
  void splitVWithAnInferredSize(DataType type) {
    new SingleOpModel(105).input(type, 3, 10).ints(2, -1, 3).scalar(1)
        .op(SPLIT_V, Table.of("SplitVOptions").with("num_splits", 3), type, shape(3, 2), shape(3, 5), shape(3, 3))
        .checkAgainstOracle();
    new SingleOpModel(106).input(type, 6, 2).ints(1, 5).scalar(-2)
        .op(SPLIT_V, Table.of("SplitVOptions").with("num_splits", 2), type, shape(1, 2), shape(5, 2))
        .checkAgainstOracle();
  }

  @Test
  void splitVRejectsSizesThatDoNotAddUp() {
    SingleOpModel m = new SingleOpModel(107).input(DataType.FLOAT32, 6).ints(2, 2).scalar(0)
        .op(SPLIT_V, Table.of("SplitVOptions").with("num_splits", 2), DataType.FLOAT32, shape(2), shape(2));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("add up to 6"), e.getMessage());
  }
}
