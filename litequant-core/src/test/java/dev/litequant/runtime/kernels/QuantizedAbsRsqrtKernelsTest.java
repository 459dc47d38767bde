package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedOracle.allCodes;
import static dev.litequant.runtime.kernels.QuantizedOracle.codes;
import static dev.litequant.runtime.kernels.QuantizedOracle.scale;
import static dev.litequant.runtime.kernels.QuantizedOracle.zeroPoint;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * ABS and RSQRT int8 against TensorFlow Lite 2.6.2 ({@code elementwise.cc}): every input code for
 * many random input and output scales and zero points.
 */
class QuantizedAbsRsqrtKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("quantized ABS and RSQRT");
  private static final int SETS = 16;
  /** The int8 kernels came with version 2 of both operators. */
  private static final int INT8_VERSION = 2;

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  private static Model unary(BuiltinOperator op, float si, int zi, float so, int zo, int n) {
    Model m = QuantizedActivationKernelsTest.unary(op, null, DataType.INT8, si, zi, so, zo, n);
    m.mainSubgraph().operators().get(0).setVersion(INT8_VERSION);
    return m;
  }

  @Test
  void absEveryCode() {
    Random r = new Random(50);
    for (int set = 0; set < SETS; set++) {
      float si = scale(r, 1e-3, 0.5);
      int zi = zeroPoint(r, DataType.INT8);
      // |x| needs up to twice the input's positive range: output scales around the input's.
      float so = si * scale(r, 0.4, 3);
      int zo = zeroPoint(r, DataType.INT8);
      ORACLE.check("ABS in (" + si + ", " + zi + ") out (" + so + ", " + zo + ")", unary(BuiltinOperator.ABS, si, zi,
          so, zo, 256), List.of(codes(DataType.INT8, new int[] {256}, allCodes(DataType.INT8))));
    }
    // Equal scales skip the rescaling: the offset code moves to the output zero point unchanged.
    ORACLE.check("ABS equal scales", unary(BuiltinOperator.ABS, 0.05f, 17, 0.05f, -100, 256),
        List.of(codes(DataType.INT8, new int[] {256}, allCodes(DataType.INT8))));
  }

  @Test
  void rsqrtEveryNonNegativeCode() {
    Random r = new Random(51);
    for (int set = 0; set < SETS; set++) {
      float si = scale(r, 1e-3, 0.5);
      int zi = -128 + r.nextInt(129);
      // The largest output is 1/sqrt(si) (code zi + 1); spread the output scale from clipping it
      // to resolving the smallest outputs.
      float so = (float) (1 / Math.sqrt(si)) * scale(r, 1e-3, 0.05);
      int zo = zeroPoint(r, DataType.INT8);
      int n = 128 - zi;
      int[] values = new int[n];
      for (int i = 0; i < n; i++) {
        values[i] = zi + i;
      }
      ORACLE.check("RSQRT in (" + si + ", " + zi + ") out (" + so + ", " + zo + ")",
          unary(BuiltinOperator.RSQRT, si, zi, so, zo, n), List.of(codes(DataType.INT8, new int[] {n}, values)));
    }
  }

  @Test
  void rsqrtOfANegativeValueIsARunTimeError() {
    Model m = unary(BuiltinOperator.RSQRT, 0.1f, 0, 0.01f, -128, 3);
    Interpreter it = Interpreter.create(m, InterpreterOptions.referenceKernels());
    it.setInput(0, codes(DataType.INT8, new int[] {3}, new int[] {4, -1, 9}));
    assertThrows(InvalidArgumentException.class, it::invoke);
    assertThrows(TfLiteOracle.RejectedException.class,
        () -> TfLiteOracle.run(ModelWriter.write(m), List.of(new byte[] {4, -1, 9})));
  }
}
