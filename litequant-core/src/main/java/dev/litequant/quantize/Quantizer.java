package dev.litequant.quantize;

import dev.litequant.InvalidArgumentException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.calibration.CalibrationListener;
import dev.litequant.calibration.CalibrationStats;
import dev.litequant.calibration.Calibrator;
import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Subgraph;
import dev.litequant.io.ModelFiles;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Post-training quantization of a float TensorFlow Lite model, configured like the official
 * converter:
 *
 * <pre>{@code
 * QuantizationResult r = Quantizer.fromFile(Path.of("model.tflite"))
 *     .mode(QuantizationMode.INT8)            // or INT8_ONLY
 *     .representativeDataset(RepresentativeDataset.ofSamples(samples))
 *     .inputType(IoType.INT8).outputType(IoType.INT8)
 *     .quantize();
 * Files.write(Path.of("model_int8.tflite"), r.modelBytes());
 * }</pre>
 *
 * <p>Dynamic range ({@link DynamicRangeQuantization}) and float16 ({@link Float16Quantization})
 * rewrite the weights only. The calibrated modes (int8, 16x8) are a fixed sequence of named passes
 * over a copy of the model: calibration, {@link
 * FoldConstantDequantize}, {@link SelectOperators}, {@link AssignActivationParams}, {@link QuantizeWeights}, {@link
 * RewriteTensors}, {@link RequantizeInputs}, {@link RewriteModelIo}, {@link FinishModel}.
 */
public final class Quantizer {
  private final byte[] modelBytes;
  private QuantizationMode mode = QuantizationMode.INT8;
  private RepresentativeDataset dataset;
  private IoType inputType = IoType.FLOAT32;
  private IoType outputType = IoType.FLOAT32;
  private boolean perChannelDense;
  private final List<String> keepFloat = new ArrayList<>();
  private Integer minWeightElements;
  private BiasType biasType;
  private CalibrationListener listener = CalibrationListener.NONE;
  private CalibrationStats calibration;

  private Quantizer(byte[] modelBytes) {
    this.modelBytes = modelBytes;
  }

  public static Quantizer fromFile(Path model) {
    return new Quantizer(ModelFiles.readBytes(model, "model"));
  }

  public static Quantizer fromBytes(byte[] model) {
    return new Quantizer(model.clone());
  }

  public static Quantizer fromModel(Model model) {
    return new Quantizer(ModelWriter.write(model));
  }

  public Quantizer mode(QuantizationMode mode) {
    this.mode = Objects.requireNonNull(mode);
    return this;
  }

  public Quantizer representativeDataset(RepresentativeDataset dataset) {
    this.dataset = dataset;
    return this;
  }

  /** The type of the quantized model's inputs (inference_input_type). */
  public Quantizer inputType(IoType type) {
    this.inputType = Objects.requireNonNull(type);
    return this;
  }

  /** The type of the quantized model's outputs (inference_output_type). */
  public Quantizer outputType(IoType type) {
    this.outputType = Objects.requireNonNull(type);
    return this;
  }

  /** Per-channel FULLY_CONNECTED weights (which TensorFlow Lite 2.6.2 computes wrongly). */
  public Quantizer perChannelDense(boolean perChannel) {
    this.perChannelDense = perChannel;
    return this;
  }

  /** Keeps float the operators of this type (e.g. SOFTMAX) or whose output names match this regex. */
  public Quantizer keepFloat(String selector) {
    this.keepFloat.add(Objects.requireNonNull(selector));
    return this;
  }

  /**
   * Dynamic range only: constants with fewer elements than this stay float (default {@value
   * QuantizerOptions#DEFAULT_MIN_WEIGHT_ELEMENTS}, as the official converter).
   */
  public Quantizer minWeightElements(int elements) {
    if (elements < 1) {
      throw new InvalidArgumentException("The weight-size threshold must be at least 1 element, not " + elements + ".");
    }
    this.minWeightElements = elements;
    return this;
  }

  /** 16x8 only: the type of quantized biases (default INT64, as the official converter). */
  public Quantizer biasType(BiasType type) {
    this.biasType = Objects.requireNonNull(type);
    return this;
  }

  /**
   * Ranges from an earlier calibration of the same model (e.g. {@link QuantizationResult#calibration()}),
   * used instead of calibrating again; then no data set is needed.
   */
  public Quantizer calibrationStats(CalibrationStats stats) {
    this.calibration = Objects.requireNonNull(stats);
    return this;
  }

  /** Progress and warnings during calibration. */
  public Quantizer listener(CalibrationListener listener) {
    this.listener = Objects.requireNonNull(listener);
    return this;
  }

  /**
   * Refuses option combinations that make no sense for the mode (data for float16, uint8 I/O for
   * 16x8, ...); {@link #quantize} calls it first, callers may call it earlier.
   */
  public Quantizer checkOptions() {
    OptionCombinations.check(mode, dataset != null || calibration != null, inputType, outputType, perChannelDense, minWeightElements != null,
        biasType);
    return this;
  }

  public QuantizationResult quantize() {
    long start = System.nanoTime();
    checkOptions();
    QuantizerOptions options = new QuantizerOptions(mode, inputType, outputType, perChannelDense, keepFloat,
        minWeightElements == null ? QuantizerOptions.DEFAULT_MIN_WEIGHT_ELEMENTS : minWeightElements,
        biasType == null ? BiasType.INT64 : biasType);
    Model original = ModelReader.read(modelBytes);
    requireFloatModel(original);
    if (!mode.needsData()) {
      return withoutCalibration(original, options, start);
    }
    List<String> warnings = new ArrayList<>();
    int[] samples = {0};
    CalibrationListener counting = new CalibrationListener() {
      @Override
      public void sampleDone(String signature, int done, int total) {
        samples[0]++;
        listener.sampleDone(signature, done, total);
      }

      @Override
      public void warning(String message) {
        warnings.add(message);
        listener.warning(message);
      }
    };
    CalibrationStats stats = calibration != null ? calibration : Calibrator.calibrate(original, dataset, counting);
    long calibrated = System.nanoTime();

    // An operator the interpreter refuses in its quantized form (TensorFlow Lite 2.6.2 refuses or
    // miscomputes it) is kept float and the passes run again; two rounds settle it in practice.
    Map<List<Integer>, String> refused = new HashMap<>();
    QuantizationContext c;
    while (true) {
      c = runPasses(options, stats, refused);
      Map<Operator, String> rejected = OperatorProbe.refused(c);
      if (rejected.isEmpty()) {
        break;
      }
      for (Map.Entry<Operator, String> e : rejected.entrySet()) {
        Subgraph g = c.subgraphs.stream().filter(s -> s.operators().contains(e.getKey())).findFirst().orElseThrow();
        List<Integer> key = List.of(c.model.indexOf(g), c.originalIndex.getOrDefault(e.getKey(), -1));
        if (refused.containsKey(key)) {
          throw new IllegalStateException("operator " + key + " is refused again: " + e.getValue());
        }
        refused.put(key, "its " + c.typeName() + " form is refused by the interpreter, as by TensorFlow Lite "
            + "2.6.2: " + e.getValue());
      }
    }
    if (!mode.allowsFloatFallback() && !c.blocked.isEmpty()) {
      String form = c.activationType == DataType.INT16 ? "16x8" : "int8";
      throw new UnsupportedModelException((form.equals("int8") ? "Integer-only" : "16x8-only") + " quantization is "
          + "impossible: " + c.blocked.size() + (c.blocked.size() == 1 ? " operator has" : " operators have") + " no "
          + form + " form: " + String.join("; ", c.blocked) + ". Use --mode " + form + " (float fallback) to keep "
          + "such operators float.");
    }
    byte[] out = ModelWriter.write(c.model);
    VerifyQuantizedModel.apply(out);
    warnings.addAll(c.warnings);
    long end = System.nanoTime();
    c.decisions.sort(java.util.Comparator.comparingInt(OperatorDecision::subgraph)
        .thenComparingInt(OperatorDecision::index));
    return new QuantizationResult(out, c.decisions, modelBytes.length, stats, warnings,
        (calibrated - start) / 1_000_000, (end - start) / 1_000_000, samples[0]);
  }

  private QuantizationContext runPasses(QuantizerOptions options, CalibrationStats stats,
      Map<List<Integer>, String> refused) {
    Model model = ModelReader.read(modelBytes);
    QuantizationContext c = new QuantizationContext(model, options, stats);
    c.refused.putAll(refused);
    for (int s = 0; s < model.subgraphs().size(); s++) {
      if (stats.covers(s)) {
        c.subgraphs.add(model.subgraphs().get(s));
      }
    }
    c.recordOriginalIndices();
    FoldConstantDequantize.apply(c);
    SelectOperators.apply(c);
    AssignActivationParams.apply(c);
    QuantizeWeights.apply(c);
    RewriteTensors.apply(c);
    RequantizeInputs.apply(c);
    RewriteModelIo.apply(c);
    FinishModel.apply(c);
    return c;
  }

  /** Dynamic range and float16: weights only, no calibration. */
  private QuantizationResult withoutCalibration(Model model, QuantizerOptions options, long start) {
    List<OperatorDecision> decisions = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (options.mode() == QuantizationMode.DYNAMIC) {
      DynamicRangeQuantization.apply(model, options, decisions, warnings);
    } else {
      Float16Quantization.apply(model, options, decisions, warnings);
    }
    byte[] out = ModelWriter.write(model);
    VerifyQuantizedModel.apply(out);
    decisions.sort(java.util.Comparator.comparingInt(OperatorDecision::subgraph)
        .thenComparingInt(OperatorDecision::index));
    return new QuantizationResult(out, decisions, modelBytes.length, null, warnings, 0,
        (System.nanoTime() - start) / 1_000_000, 0);
  }

  /** Quantization starts from float: a model with int8/int16 activations already is quantized. */
  private static void requireFloatModel(Model m) {
    QuantizedActivation q = QuantizedActivation.find(m);
    if (q != null) {
      throw new UnsupportedModelException("The model is already quantized (operator " + q.index() + ", "
          + q.op().displayName() + ", writes " + q.tensor().type().displayName() + " tensor '" + q.tensor().name()
          + "'). Give LiteQuant the float model.");
    }
  }
}
