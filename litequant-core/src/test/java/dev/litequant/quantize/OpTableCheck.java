package dev.litequant.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The check of one operator-table row (int8 or 16x8) against TensorFlow Lite 2.6.2: a small float
 * model using the operator is quantized integer-only; the result must have no float operator, load
 * in 2.6.2 and give bit-identical integer tensors there and in LiteQuant's interpreter, keep the
 * row's output rule, and stay close to the float model.
 */
final class OpTableCheck {
  /** Samples compared with 2.6.2 per model (of the 16 it was calibrated on). */
  private static final int CHECKED_SAMPLES = 4;

  final AtomicLong models = new AtomicLong();
  final AtomicLong elements = new AtomicLong();
  private final Map<BuiltinOperator, OpQuantSpec> table;
  private final QuantizationMode mode;

  OpTableCheck(Map<BuiltinOperator, OpQuantSpec> table, QuantizationMode mode) {
    this.table = table;
    this.mode = mode;
  }

  /** The test model of an operator, or null when none is written yet. */
  static OpCase caseFor(BuiltinOperator op) {
    OpCase c = ArithmeticOpCases.forOp(op);
    return c != null ? c : DataMovementOpCases.forOp(op);
  }

  /** Runs a check, naming the case in any failure (build reports show dynamic tests by number only). */
  static void labelled(String name, Runnable check) {
    try {
      check.run();
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(name + ": " + e.getMessage(), e);
    }
  }

  void check(BuiltinOperator op, IoType io) {
    OpCase c = caseFor(op);
    assertNotNull(c, "no test model for the " + mode.cliName() + " table's row " + op + ": add one to "
        + "ArithmeticOpCases or DataMovementOpCases");
    assertTrue(operatorsOf(c.model(), op).size() > 0, "the test model of " + op + " does not use it");
    OpCaseRun run = OpCaseRun.quantize(c, mode, io, 1000 + op.ordinal());
    assertNoFloatLeft(run);
    assertIoType(run.quantized, io);
    assertOutputRule(run.quantized, op);
    for (int s = 0; s < CHECKED_SAMPLES; s++) {
      List<TensorValue> inputs = run.integerInputs(s);
      // (b) Loads in 2.6.2; every tensor it computes is identical in LiteQuant's interpreter.
      OracleComparison.Report report = OracleComparison.compareStrict(run.quantized, inputs,
          InterpreterOptions.referenceKernels());
      assertTrue(report.tensorsCompared() >= run.quantized.mainSubgraph().operators().size(),
          "fewer tensors compared than operators");
      models.incrementAndGet();
      elements.addAndGet(run.computedElements());
      assertCloseToFloat(run, inputs);
    }
  }

  private static List<Operator> operatorsOf(Model m, BuiltinOperator op) {
    return m.mainSubgraph().operators().stream().filter(o -> o.is(op)).toList();
  }

  /** (a) Integer only: no operator reads or writes a float tensor. */
  private static void assertNoFloatLeft(OpCaseRun run) {
    assertEquals(List.of(), run.result.floatOperators(), "operators left float");
    for (Operator o : run.quantized.mainSubgraph().operators()) {
      for (Tensor t : o.inputs()) {
        assertFalse(OpCaseRun.isFloat(t), () -> o.displayName() + " reads float tensor " + t);
      }
      for (Tensor t : o.outputs()) {
        assertFalse(OpCaseRun.isFloat(t), () -> o.displayName() + " writes float tensor " + t);
      }
    }
  }

  private static void assertIoType(Model q, IoType io) {
    List<Tensor> edges = new ArrayList<>(q.mainSubgraph().inputs());
    edges.addAll(q.mainSubgraph().outputs());
    for (Tensor t : edges) {
      assertEquals(io.dataType(), t.type(), "type of model input/output " + t);
    }
  }

  /** (d) The operator's outputs follow its row: fixed, the input's, or shared with requantized inputs. */
  private void assertOutputRule(Model q, BuiltinOperator op) {
    OutputRule rule = table.get(op).output();
    for (Operator o : operatorsOf(q, op)) {
      for (Tensor out : o.outputs()) {
        Quantization actual = out.quantization();
        if (rule instanceof OutputRule.Fixed f) {
          assertTrue(OpCaseRun.sameParams(Quantization.perTensor(f.scale(), f.zeroPoint()), actual),
              () -> op + " output " + actual + ", the row says " + f);
        } else if (rule instanceof OutputRule.SameAsInput same) {
          Quantization in = o.input(same.input()).quantization();
          assertTrue(OpCaseRun.sameParams(in, actual), () -> op + " output " + actual + " but input " + in);
        } else if (rule instanceof OutputRule.RequantizeInputs) {
          for (Tensor in : o.inputs()) {
            assertTrue(OpCaseRun.sameParams(in.quantization(), actual),
                () -> op + " input " + in + " is not at the output's " + actual);
          }
        }
      }
    }
  }

  /**
   * (c) Each dequantized output is within the case's tolerance (in output scales) of the float
   * model run on the dequantized int8 inputs; a wrong scale anywhere puts it far off.
   */
  private static void assertCloseToFloat(OpCaseRun run, List<TensorValue> integerInputs) {
    List<TensorValue> ours = OpCaseRun.run(run.quantized, integerInputs);
    List<TensorValue> reference = OpCaseRun.run(run.opCase.model(), run.dequantizedInputs(integerInputs));
    for (int k = 0; k < ours.size(); k++) {
      Tensor t = run.quantized.mainSubgraph().outputs().get(k);
      // int16 steps are about 257 times finer than int8 ones over the same range; the cases'
      // tolerances are in int8 steps.
      float scale = t.quantization().scale() * (t.type() == DataType.INT16 ? 2 * 32767 / 255f : 1f);
      float[] got = OpCaseRun.dequantize(t, ours.get(k));
      float[] want = reference.get(k).floats();
      for (int i = 0; i < want.length; i++) {
        double allowed = run.opCase.tolerance() * scale + 1e-3 * scale + 1e-6 * Math.abs(want[i]);
        double error = Math.abs(got[i] - want[i]);
        if (!(error <= allowed)) {
          fail(String.format(Locale.ROOT, "output %d element %d: integer model gives %s, float %s: %.3f output scales "
              + "(%s) off, allowed %.2f", k, i, got[i], want[i], error / scale, scale, run.opCase.tolerance()));
        }
      }
    }
  }
}
