package dev.litequant.quantize;

import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An {@link OpCase} quantized to int8 only, with the samples it was calibrated on: the values the
 * int8 model takes for a sample, and what LiteQuant's interpreter makes of them.
 */
final class OpCaseRun {
  private static final int CALIBRATION_SAMPLES = 16;

  final OpCase opCase;
  final List<List<TensorValue>> samples;
  final QuantizationResult result;
  final Model quantized;

  private OpCaseRun(OpCase opCase, List<List<TensorValue>> samples, QuantizationResult result) {
    this.opCase = opCase;
    this.samples = samples;
    this.result = result;
    this.quantized = ModelReader.read(result.modelBytes());
  }

  /** Calibrates on 16 samples drawn from the case's input ranges and quantizes, integer only. */
  static OpCaseRun quantize(OpCase c, IoType io, long seed) {
    return quantize(c, QuantizationMode.INT8_ONLY, io, seed);
  }

  /** The same in a given integer-only mode (INT8_ONLY or INT16X8_ONLY). */
  static OpCaseRun quantize(OpCase c, QuantizationMode mode, IoType io, long seed) {
    List<List<TensorValue>> samples = samples(c, seed);
    QuantizationResult r = Quantizer.fromModel(c.model()).mode(mode).inputType(io)
        .outputType(io).representativeDataset(RepresentativeDataset.ofSamples(samples)).quantize();
    return new OpCaseRun(c, samples, r);
  }

  private static List<List<TensorValue>> samples(OpCase c, long seed) {
    Random r = new Random(seed);
    List<Tensor> inputs = c.model().mainSubgraph().inputs();
    List<List<TensorValue>> out = new ArrayList<>();
    for (int s = 0; s < CALIBRATION_SAMPLES; s++) {
      List<TensorValue> sample = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        float[] range = c.inputRanges().get(i);
        float[] v = new float[(int) inputs.get(i).shape().elementCount()];
        for (int k = 0; k < v.length; k++) {
          v[k] = range[0] + r.nextFloat() * (range[1] - range[0]);
        }
        sample.add(TensorValue.ofFloats(inputs.get(i).shape(), v));
      }
      out.add(sample);
    }
    return out;
  }

  /** Sample {@code s} as the int8 (or uint8) model's inputs, quantized with their parameters. */
  List<TensorValue> integerInputs(int s) {
    List<TensorValue> out = new ArrayList<>();
    List<Tensor> inputs = quantized.mainSubgraph().inputs();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      byte[] codes = QuantTestSupport.quantizeInput(t, samples.get(s).get(i).floats());
      out.add(TensorValue.fromBytes(t.type(), t.shape(), codes));
    }
    return out;
  }

  /**
   * What the int8 model's inputs stand for: the integer inputs dequantized. The float model run on
   * these sees exactly what the int8 model sees, so input rounding does not count as an error.
   */
  List<TensorValue> dequantizedInputs(List<TensorValue> integerInputs) {
    List<TensorValue> out = new ArrayList<>();
    for (int i = 0; i < integerInputs.size(); i++) {
      Tensor t = quantized.mainSubgraph().inputs().get(i);
      out.add(TensorValue.ofFloats(t.shape(), dequantize(t, integerInputs.get(i))));
    }
    return out;
  }

  static float[] dequantize(Tensor t, TensorValue codes) {
    return QuantTestSupport.dequantize(t, codes.toBytes());
  }

  /** Every output of a model run in LiteQuant's interpreter (reference kernels). */
  static List<TensorValue> run(Model m, List<TensorValue> inputs) {
    Interpreter it = Interpreter.create(m, InterpreterOptions.referenceKernels());
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    it.invoke();
    List<TensorValue> out = new ArrayList<>();
    for (int i = 0; i < it.outputCount(); i++) {
      out.add(it.getOutput(i));
    }
    return out;
  }

  /** The number of values the operators of the quantized model compute per run. */
  long computedElements() {
    long n = 0;
    for (var op : quantized.mainSubgraph().operators()) {
      for (Tensor t : op.outputs()) {
        n += t.shape().elementCount();
      }
    }
    return n;
  }

  static boolean isFloat(Tensor t) {
    return t != null && t.type() == DataType.FLOAT32;
  }

  static boolean sameParams(Quantization a, Quantization b) {
    return a != null && b != null && a.hasScale() && b.hasScale() && !a.isPerAxis() && !b.isPerAxis()
        && a.scale() == b.scale() && a.zeroPoint() == b.zeroPoint();
  }
}
