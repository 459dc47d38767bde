package dev.litequant.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.calibration.RepresentativeDataset;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.io.ModelWriter;
import dev.litequant.oracle.DequantizedByHand;
import dev.litequant.oracle.PerChannelDenseAsConv;
import dev.litequant.oracle.TfLiteOracle;
import dev.litequant.quantize.IoType;
import dev.litequant.quantize.QuantParams;
import dev.litequant.quantize.QuantizationMode;
import dev.litequant.quantize.Quantizer;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SampleInputs;
import dev.litequant.testing.SharedModels;
import dev.litequant.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's model-level numbers equal an independent computation on TensorFlow Lite 2.6.2's
 * outputs of the same two models (where 2.6.2 computes both correctly), and its per-layer table pairs
 * every layer of a quantized model with its float counterpart.
 */
class EvaluatorTest {
  private static final String RESNET = "mlcommons-tiny/image_classification/pretrainedResnet.tflite";
  private static final String RESNET_QUANT = "mlcommons-tiny/image_classification/pretrainedResnet_quant.tflite";
  private static final String MNIST = "ai-edge-quantizer/conv_fc_mnist.tflite";
  private static final String MNIST_PARTLY = "ai-edge-quantizer/partly_quantized_mnist.tflite";

  /** SQNR, max |error| and arg-max agreement of output 0, computed here from raw outputs. */
  private record Independent(double sqnr, double maxAbs, int agree, int floatCorrect, int quantizedCorrect) {}

  private static Independent independent(byte[] floatModel, byte[] quantModel, List<List<TensorValue>> samples,
      int[] labels) {
    Model q = ModelReader.read(quantModel);
    Tensor in = q.mainSubgraph().inputs().get(0);
    Tensor out = q.mainSubgraph().outputs().get(0);
    double signal = 0;
    double noise = 0;
    double maxAbs = 0;
    int agree = 0;
    int fc = 0;
    int qc = 0;
    for (int s = 0; s < samples.size(); s++) {
      float[] x = samples.get(s).get(0).floats();
      float[] ref = floats(TfLiteOracle.run(floatModel, List.of(samples.get(s).get(0).toBytes())).get(0));
      byte[] input = in.type() == DataType.FLOAT32 ? samples.get(s).get(0).toBytes() : codes(x, in.quantization());
      byte[] raw = TfLiteOracle.run(quantModel, List.of(input)).get(0);
      float[] got = out.type() == DataType.FLOAT32 ? floats(raw) : dequantize(raw, out.quantization());
      for (int i = 0; i < ref.length; i++) {
        double e = got[i] - ref[i];
        signal += (double) ref[i] * ref[i];
        noise += e * e;
        maxAbs = Math.max(maxAbs, Math.abs(e));
      }
      int a = argMax(ref);
      int b = argMax(got);
      agree += a == b ? 1 : 0;
      if (labels != null) {
        fc += a == labels[s] ? 1 : 0;
        qc += b == labels[s] ? 1 : 0;
      }
    }
    return new Independent(10 * Math.log10(signal / noise), maxAbs, agree, fc, qc);
  }

  private static byte[] codes(float[] x, Quantization q) {
    byte[] out = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (byte) QuantParams.quantize(x[i], q.scale(), q.zeroPoint(), -128, 127);
    }
    return out;
  }

  private static float[] floats(byte[] raw) {
    float[] f = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  private static float[] dequantize(byte[] raw, Quantization q) {
    float[] f = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      f[i] = q.scale() * (raw[i] - q.zeroPoint());
    }
    return f;
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  private static void assertSameAsIndependent(EvaluationReport r, Independent ind, int n, int[] labels) {
    ModelMetrics m = r.model();
    assertEquals(n, m.samples());
    assertEquals(ind.sqnr(), m.outputSqnr()[0], 0.01, "output SQNR (dB)");
    assertEquals(ind.maxAbs(), m.outputMaxAbsError()[0], 1e-4, "max |error|");
    assertEquals((double) ind.agree() / n, m.top1Agreement(), 1e-12, "top-1 agreement");
    if (labels != null) {
      assertEquals((double) ind.floatCorrect() / n, m.floatAccuracy(), 1e-12, "float accuracy");
      assertEquals((double) ind.quantizedCorrect() / n, m.quantizedAccuracy(), 1e-12, "quantized accuracy");
    }
  }

  /** The MNIST digits as [1, 28, 28, 1] in [0, 1], with their labels (file number; resized9 is a 9). */
  private static List<List<TensorValue>> digits() {
    List<List<TensorValue>> out = new ArrayList<>();
    for (float[] img : SampleInputs.grayImages(SharedModels.root().resolve("ai-edge-quantizer/mnist_images"), 28)) {
      out.add(List.of(TensorValue.ofFloats(Shape.of(1, 28, 28, 1), img)));
    }
    return out;
  }

  private static final int[] DIGIT_LABELS = {9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

  @Test
  void resnetAgainstTheOfficialInt8Model() throws Exception {
    byte[] f = Files.readAllBytes(SharedModels.path(RESNET));
    byte[] q = Files.readAllBytes(SharedModels.path(RESNET_QUANT));
    List<List<TensorValue>> images = SampleInputs.cifarLikeImages();
    EvaluationReport r = Evaluator.of(f, q).evaluate(images);
    assertSameAsIndependent(r, independent(f, q, images, null), images.size(), null);
    // Every operator's output and the input are paired with their float tensors.
    assertEquals(17, r.layers().size(), r.layers().toString());
    for (int i = 1; i < r.layers().size(); i++) {
      LayerMetrics a = r.layers().get(i - 1);
      LayerMetrics b = r.layers().get(i);
      assertTrue(Double.isNaN(b.layerSqnr()) || a.layerSqnr() <= b.layerSqnr(), "worst own SQNR first");
    }
    assertEquals(16, r.layers().stream().filter(l -> !Double.isNaN(l.layerSqnr())).count(),
        "every operator is also measured alone");
    LayerMetrics input = r.layers().stream().filter(l -> l.operatorIndex() == -1).findFirst().orElseThrow();
    assertTrue(input.rmseOverScale() < 0.35, "input quantization is rounding alone: " + input);
    assertEquals(f.length, r.model().floatBytes());
  }

  @Test
  void mnistAgainstLiteQuantsOwnInt8ModelWithLabels() throws Exception {
    byte[] f = Files.readAllBytes(SharedModels.path(MNIST));
    List<List<TensorValue>> digits = digits();
    byte[] q = Quantizer.fromBytes(f).mode(QuantizationMode.INT8_ONLY).inputType(IoType.INT8).outputType(IoType.INT8)
        .representativeDataset(RepresentativeDataset.ofSamples(digits)).quantize().modelBytes();
    EvaluationReport r = Evaluator.of(f, q).labels(DIGIT_LABELS).evaluate(digits);
    assertSameAsIndependent(r, independent(f, q, digits, DIGIT_LABELS), digits.size(), DIGIT_LABELS);
    assertTrue(r.model().floatAccuracy() >= 0.9, "the float model reads these digits: " + r.model());
  }

  /**
   * partly_quantized_mnist has a per-channel int8 FULLY_CONNECTED, which 2.6.2 computes as a
   * constant; the independent numbers come from 2.6.2 running the same layer as a 1x1 CONV_2D.
   */
  @Test
  void mnistAgainstThePartlyQuantizedModel() throws Exception {
    byte[] f = Files.readAllBytes(SharedModels.path(MNIST));
    byte[] q = Files.readAllBytes(SharedModels.path(MNIST_PARTLY));
    byte[] reference = ModelWriter.write(DequantizedByHand.withHybridWeightsDequantized(
        PerChannelDenseAsConv.rewrite(ModelReader.read(q))));
    List<List<TensorValue>> digits = digits();
    EvaluationReport r = Evaluator.of(f, q).labels(DIGIT_LABELS).evaluate(digits);
    Independent ind = independent(f, reference, digits, DIGIT_LABELS);
    ModelMetrics m = r.model();
    // The reference runs the last layer in float where the model runs it hybrid (input quantized on
    // the fly): close, not identical.
    assertEquals(ind.sqnr(), m.outputSqnr()[0], 1.0, "output SQNR (dB) " + m);
    assertEquals((double) ind.quantizedCorrect() / digits.size(), m.quantizedAccuracy(), 1e-12, "accuracy " + m);
    assertTrue(m.outputSqnr()[0] > 10, "LiteQuant computes the per-channel layers right: " + m);
  }

  /**
   * An int8 ADD alone adds only its output rounding: over many uniformly spread values the error is
   * uniform in half a step each way, so its RMSE is 1/sqrt(12) of the scale.
   */
  @Test
  void anOperatorAloneAddsRoundingOnly() {
    dev.litequant.graph.ModelBuilder b = new dev.litequant.graph.ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, 1, 256);
    Tensor y = b.input("y", DataType.FLOAT32, 1, 256);
    Tensor z = b.apply(dev.litequant.graph.BuiltinOperator.ADD, dev.litequant.flatbuf.Table.of("AddOptions"), "z",
        DataType.FLOAT32, new int[] {1, 256}, x, y);
    Model m = b.output(z).signature("serving_default").build();
    java.util.Random rnd = new java.util.Random(7);
    List<List<TensorValue>> samples = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      float[] a = new float[256];
      float[] c = new float[256];
      for (int i = 0; i < 256; i++) {
        a[i] = rnd.nextFloat() * 2 - 1;
        c[i] = rnd.nextFloat() * 3 - 1;
      }
      samples.add(List.of(TensorValue.ofFloats(Shape.of(1, 256), a), TensorValue.ofFloats(Shape.of(1, 256), c)));
    }
    byte[] f = ModelWriter.write(m);
    byte[] q = Quantizer.fromBytes(f).mode(QuantizationMode.INT8)
        .representativeDataset(RepresentativeDataset.ofSamples(samples)).quantize().modelBytes();
    EvaluationReport r = Evaluator.of(f, q).evaluate(samples);
    LayerMetrics add = r.layers().stream().filter(l -> l.operator().equals("ADD")).findFirst().orElseThrow();
    assertEquals(1 / Math.sqrt(12), add.layerRmseOverScale(), 0.02, add.toString());
    assertTrue(!add.suspect() && add.layerSqnr() > add.sqnr(), "the input rounding is not the layer's own: " + add);
  }

  @Test
  void mismatchedModelsAndLabelsAreRefused() throws Exception {
    byte[] f = Files.readAllBytes(SharedModels.path(MNIST));
    byte[] other = ModelWriter.write(TinyModels.fullyConnected());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Evaluator.of(f, other));
    assertTrue(e.getMessage().startsWith("The models do not have the same interface: input 0 is "), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> Evaluator.of(f, f).labels(new int[] {1, 2}).evaluate(digits()));
    assertEquals("There are 2 labels for 11 samples; give one label per sample.", e.getMessage());
    byte[] q = Files.readAllBytes(SharedModels.path(RESNET_QUANT));
    e = assertThrows(InvalidArgumentException.class, () -> Evaluator.of(q, q));
    assertTrue(e.getMessage().startsWith("The first model must be the float one"), e.getMessage());
  }
}
