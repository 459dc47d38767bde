package dev.litequant.runtime.kernels;

import static dev.litequant.graph.BuiltinOperator.BATCH_TO_SPACE_ND;
import static dev.litequant.graph.BuiltinOperator.SPACE_TO_BATCH_ND;
import static dev.litequant.runtime.kernels.SingleOpModel.iota;
import static dev.litequant.runtime.kernels.SingleOpModel.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND against TensorFlow Lite 2.6.2, every type it runs them in. */
class ShapeKernelsBatchSpaceTest {
  private static final Table S2B = Table.of("SpaceToBatchNDOptions");
  private static final Table B2S = Table.of("BatchToSpaceNDOptions");

  /** Quantized types get a zero point far from 0, so that padding with 0 instead of it shows. */
  private static SingleOpModel model(DataType type, long seed) {
    SingleOpModel m = new SingleOpModel(seed);
    if (type == DataType.INT8) {
      m.quantized(Quantization.perTensor(0.1f, -37));
    } else if (type == DataType.UINT8) {
      m.quantized(Quantization.perTensor(0.1f, 201));
    }
    return m;
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8"})
  void spaceToBatchWithAndWithoutPadding(DataType type) {
    model(type, 80).input(type, 2, 4, 6, 3).ints(2, 3).ints(shape(2, 2), 0, 0, 0, 0)
        .op(SPACE_TO_BATCH_ND, S2B, type, shape(12, 2, 2, 3)).checkAgainstOracle();
    model(type, 81).input(type, 1, 5, 4, 2).ints(2, 2).ints(shape(2, 2), 1, 0, 2, 2)
        .op(SPACE_TO_BATCH_ND, S2B, type, shape(4, 3, 4, 2)).checkAgainstOracle();
    model(type, 82).input(type, 3, 3, 2, 1).ints(3, 1).ints(shape(2, 2), 2, 1, 0, 1)
        .op(SPACE_TO_BATCH_ND, S2B, type, shape(9, 2, 3, 1)).checkAgainstOracle();
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT32", "INT32", "INT64", "INT8", "UINT8"})
  void batchToSpaceWithAndWithoutCrops(DataType type) {
    model(type, 83).input(type, 12, 2, 2, 3).ints(2, 3).ints(shape(2, 2), 0, 0, 0, 0)
        .op(BATCH_TO_SPACE_ND, B2S, type, shape(2, 4, 6, 3)).checkAgainstOracle();
    model(type, 84).input(type, 4, 3, 4, 2).ints(2, 2).ints(shape(2, 2), 1, 0, 2, 2)
        .op(BATCH_TO_SPACE_ND, B2S, type, shape(1, 5, 4, 2)).checkAgainstOracle();
    model(type, 85).input(type, 9, 2, 3, 1).ints(3, 1).ints(shape(2, 2), 2, 1, 0, 1)
        .op(BATCH_TO_SPACE_ND, B2S, type, shape(3, 3, 2, 1)).checkAgainstOracle();
  }

  @Test
  void threeDimensionalInputsHaveOneSpatialAxis() {
    new SingleOpModel(86).input(DataType.FLOAT32, 2, 5, 3).ints(2).ints(shape(1, 2), 1, 0).version(3)
        .op(SPACE_TO_BATCH_ND, S2B, DataType.FLOAT32, shape(4, 3, 3)).checkAgainstOracle();
    new SingleOpModel(87).input(DataType.FLOAT32, 4, 3, 3).ints(2).ints(shape(1, 2), 1, 0).version(3)
        .op(BATCH_TO_SPACE_ND, B2S, DataType.FLOAT32, shape(2, 5, 3)).checkAgainstOracle();
  }

  @Test
  void spaceToBatchWorkedExample() {
    // A 1x2x2x1 image 0..3 in 2x2 blocks: each block offset becomes a batch of one pixel.
    float[] out = new SingleOpModel(88).input(iota(1, 2, 2, 1)).ints(2, 2).ints(shape(2, 2), 0, 0, 0, 0)
        .op(SPACE_TO_BATCH_ND, S2B, DataType.FLOAT32, shape(4, 1, 1, 1)).run().get(0).floats();
    assertArrayEquals(new float[] {0, 1, 2, 3}, out);
    // Padded on the left by one: batches (0,0) and (1,0) see padding, (0,1) and (1,1) the pixels.
    float[] padded = new SingleOpModel(89).input(TensorValue.ofFloats(Shape.of(1, 2, 1, 1), 5f, 6f)).ints(2, 2)
        .ints(shape(2, 2), 0, 0, 1, 0).op(SPACE_TO_BATCH_ND, S2B, DataType.FLOAT32, shape(4, 1, 1, 1))
        .run().get(0).floats();
    assertArrayEquals(new float[] {0, 5, 0, 6}, padded);
  }

  @Test
  void blocksThatDoNotDivideThePaddedImageAreRefused() {
    SingleOpModel m = new SingleOpModel(90).input(DataType.FLOAT32, 1, 5, 4, 1).ints(2, 2)
        .ints(shape(2, 2), 0, 0, 0, 0).op(SPACE_TO_BATCH_ND, S2B, DataType.FLOAT32, shape(4, 2, 2, 1));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(m.model(), InterpreterOptions.referenceKernels()));
    SingleOpModel b = new SingleOpModel(91).input(DataType.FLOAT32, 3, 2, 2, 1).ints(2, 2)
        .ints(shape(2, 2), 0, 0, 0, 0).op(BATCH_TO_SPACE_ND, B2S, DataType.FLOAT32, shape(1, 4, 4, 1));
    assertThrows(InvalidModelException.class, () -> Interpreter.create(b.model(), InterpreterOptions.referenceKernels()));
  }
}
