package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.litequant.graph.BuiltinOperator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every row of {@link Int8OpTable} against TensorFlow Lite 2.6.2: a small float model using the
 * operator is quantized integer-only with int8 inputs and outputs; the result must have no float
 * operator, load in 2.6.2 and give bit-identical integer tensors there and in LiteQuant's
 * interpreter, keep the row's output rule, and stay close to the float model. A new row without a
 * model here fails.
 */
class Int8OpTableTest {
  private static final OpTableCheck CHECK = new OpTableCheck(Int8OpTable.all(), QuantizationMode.INT8_ONLY);

  /** The fixed output parameters 2.6.2's int8 kernels require (quantization-reference.md, section 4). */
  private static final Map<BuiltinOperator, OutputRule.Fixed> KERNEL_FIXED_OUTPUTS = Map.of(
      BuiltinOperator.SOFTMAX, new OutputRule.Fixed(1f / 256, -128),
      BuiltinOperator.LOGISTIC, new OutputRule.Fixed(1f / 256, -128),
      BuiltinOperator.TANH, new OutputRule.Fixed(1f / 128, 0),
      BuiltinOperator.LOG_SOFTMAX, new OutputRule.Fixed(16f / 256, 127),
      BuiltinOperator.L2_NORMALIZATION, new OutputRule.Fixed(1f / 128, 0));

  @AfterAll
  static void summary() {
    System.out.printf(Locale.ROOT, "Int8OpTable: %d quantized models, %d computed elements bit-identical with "
        + "TensorFlow Lite 2.6.2%n", CHECK.models.get(), CHECK.elements.get());
  }

  @TestFactory
  Stream<DynamicTest> everyRowRunsBitExactInTensorFlowLite262() {
    return Int8OpTable.all().keySet().stream().map(op -> {
      OpCase c = OpTableCheck.caseFor(op);
      String name = op + (c == null ? ": no test model" : ": " + c.description());
      return dynamicTest(name, () -> OpTableCheck.labelled(name, () -> CHECK.check(op, IoType.INT8)));
    });
  }

  @TestFactory
  Stream<DynamicTest> uint8InputsAndOutputs() {
    // One with two inputs, one with a fixed output, one with several outputs.
    return Stream.of(BuiltinOperator.ADD, BuiltinOperator.SOFTMAX, BuiltinOperator.SPLIT)
        .map(op -> dynamicTest(op + " with uint8 I/O", () -> OpTableCheck.labelled(op + " with uint8 I/O",
            () -> CHECK.check(op, IoType.UINT8))));
  }

  @Test
  void fixedOutputRowsMatchWhatTheKernelsRequire() {
    for (Map.Entry<BuiltinOperator, OpQuantSpec> row : Int8OpTable.all().entrySet()) {
      if (row.getValue().output() instanceof OutputRule.Fixed f) {
        assertEquals(KERNEL_FIXED_OUTPUTS.get(row.getKey()), f, "fixed output parameters of " + row.getKey());
      }
    }
  }

}
