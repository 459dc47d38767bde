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
 * Every row of {@link Int16x8OpTable} against TensorFlow Lite 2.6.2: the int8 table's models,
 * quantized 16x8-only with int16 inputs and outputs, must load in 2.6.2, give bit-identical integer
 * tensors there and in LiteQuant's interpreter, keep the row's output rule and stay close to float.
 */
class Int16x8OpTableTest {
  private static final OpTableCheck CHECK = new OpTableCheck(Int16x8OpTable.all(), QuantizationMode.INT16X8_ONLY);

  /** The fixed output parameters 2.6.2's int16 kernels require (quantization-reference.md, section 4). */
  private static final Map<BuiltinOperator, OutputRule.Fixed> KERNEL_FIXED_OUTPUTS = Map.of(
      BuiltinOperator.SOFTMAX, new OutputRule.Fixed(1f / 32768, 0),
      BuiltinOperator.LOGISTIC, new OutputRule.Fixed(1f / 32768, 0),
      BuiltinOperator.TANH, new OutputRule.Fixed(1f / 32768, 0));

  @AfterAll
  static void summary() {
    System.out.printf(Locale.ROOT, "Int16x8OpTable: %d quantized models, %d computed elements bit-identical with "
        + "TensorFlow Lite 2.6.2%n", CHECK.models.get(), CHECK.elements.get());
  }

  @TestFactory
  Stream<DynamicTest> everyRowRunsBitExactInTensorFlowLite262() {
    return Int16x8OpTable.all().keySet().stream().map(op -> {
      OpCase c = OpTableCheck.caseFor(op);
      String name = op + (c == null ? ": no test model" : ": " + c.description());
      return dynamicTest(name, () -> OpTableCheck.labelled(name, () -> CHECK.check(op, IoType.INT16)));
    });
  }

  @Test
  void fixedOutputRowsMatchWhatTheKernelsRequire() {
    for (Map.Entry<BuiltinOperator, OpQuantSpec> row : Int16x8OpTable.all().entrySet()) {
      if (row.getValue().output() instanceof OutputRule.Fixed f) {
        assertEquals(KERNEL_FIXED_OUTPUTS.get(row.getKey()), f, "fixed output parameters of " + row.getKey());
      }
    }
  }
}
