package dev.litequant.quantize;

import dev.litequant.calibration.CalibrationStats;
import dev.litequant.calibration.TensorRange;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state the quantization passes share: the model being rewritten (a copy), the calibration
 * statistics, which operators are quantized, and the int8 parameters chosen for float tensors.
 */
final class QuantizationContext {
  final Model model;
  final QuantizerOptions options;
  final CalibrationStats stats;
  /** Subgraphs to quantize: those the data set calibrated. */
  final List<Subgraph> subgraphs = new ArrayList<>();
  /** Operators that run in int8, with their table rows. */
  final Map<Operator, OpQuantSpec> quantized = new IdentityHashMap<>();
  /** For each operator of the original model, the decision taken. */
  final List<OperatorDecision> decisions = new ArrayList<>();
  /** int8 parameters of tensors that hold float values in the float model. */
  final Map<Tensor, Quantization> params = new IdentityHashMap<>();
  /** Per-operator weight scales after weight quantization (for the bias). */
  final Map<Operator, float[]> weightScales = new IdentityHashMap<>();
  final List<String> warnings = new ArrayList<>();
  /** Operators without an integer form here ("operator 3 (EXP): reason"), for integer-only errors. */
  final List<String> blocked = new ArrayList<>();
  /**
   * Operators found unrunnable in an earlier attempt, by subgraph and original index, with the
   * reason; they stay float (or make integer-only mode fail).
   */
  final Map<java.util.List<Integer>, String> refused = new java.util.HashMap<>();
  /** Each operator's index in the model as it was given (passes insert and remove operators). */
  final Map<Operator, Integer> originalIndex = new IdentityHashMap<>();

  /** INT8 or INT16: the type of quantized activations in this mode. */
  final DataType activationType;
  /** The operator table of this mode. */
  final Map<BuiltinOperator, OpQuantSpec> table;

  QuantizationContext(Model model, QuantizerOptions options, CalibrationStats stats) {
    this.model = model;
    this.options = options;
    this.stats = stats;
    this.activationType = options.mode().activationType();
    this.table = activationType == DataType.INT16 ? Int16x8OpTable.all() : Int8OpTable.all();
  }

  /** Activation parameters for a range: asymmetric int8, or symmetric int16 (zero point 0). */
  Quantization activationParams(float min, float max) {
    return activationType == DataType.INT16 ? QuantParams.symmetric16(min, max) : QuantParams.asymmetric(min, max);
  }

  /** "int8" or "int16", for tensor names and messages. */
  String typeName() {
    return activationType.displayName();
  }

  /** Remembers the operators' original positions; called before any pass edits the graph. */
  void recordOriginalIndices() {
    for (Subgraph g : subgraphs) {
      for (int i = 0; i < g.operators().size(); i++) {
        originalIndex.put(g.operators().get(i), i);
      }
    }
  }

  boolean isQuantized(Operator op) {
    return quantized.containsKey(op);
  }

  /** The calibrated range of a non-constant tensor, or null. */
  TensorRange range(Subgraph g, Tensor t) {
    return stats.range(model.indexOf(g), g.indexOf(t));
  }
}
