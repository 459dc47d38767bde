package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.KernelRegistry;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.runtime.TensorValue;
import dev.litequant.testing.SharedModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM against TensorFlow Lite 2.6.2: the MNIST row-LSTM from
 * tflite-micro on random inputs and on its sample digits, and LSTMs built in code covering each
 * optional part (CIFG, peephole, projection with clipping, layer norm), both layouts and batches.
 */
class LstmKernelsTest {
  private static final InterpreterOptions REFERENCE = InterpreterOptions.referenceKernels();
  private static final String MNIST_LSTM = "tflite-micro/mnist_lstm/trained_lstm.tflite";

  // --- The real model ---------------------------------------------------------------------------

  @Test
  void mnistLstmMatchesTfLiteOnRandomRows() {
    Model m = mnistLstm();
    for (long seed = 1; seed <= 3; seed++) {
      // The model was trained on pixels scaled to [0, 1].
      report("mnist_lstm random seed " + seed, OracleComparison.compare(m,
          OracleComparison.randomInputs(m, seed, 0f, 1f), REFERENCE));
    }
  }

  @Test
  void mnistLstmMatchesTfLiteOnSampleDigits() throws IOException {
    Model m = mnistLstm();
    int correct = 0;
    for (int digit = 0; digit <= 9; digit++) {
      Path png = SharedModels.path("tflite-micro/mnist_lstm/samples/sample" + digit + ".png");
      TensorValue image = mnistImage(png);
      report("mnist_lstm sample" + digit, OracleComparison.compare(m, List.of(image), REFERENCE));
      Interpreter it = Interpreter.create(m, REFERENCE);
      it.setInput(0, image);
      it.invoke();
      float[] scores = it.getOutput(0).floats();
      if (scores.length == 10 && argmax(scores) == digit) {
        correct++;
      }
    }
    // The comparison above is the real check; this one shows the input is fed as the model expects
    // (rows as time steps, values in [0, 1]): a transposed or unscaled image would be misread.
    System.out.printf("LSTM mnist_lstm: %d of 10 sample digits recognised%n", correct);
    assertTrue(correct >= 8, "only " + correct + " of the 10 sample digits were recognised");
  }

  /**
   * The shared MNIST LSTM. While this branch lacks RESHAPE and SOFTMAX kernels, the RESHAPE to
   * [1, 560] is bypassed (FULLY_CONNECTED flattens its input itself, so the values are the same) and
   * the final SOFTMAX is dropped (the logits keep the predicted class).
   */
  private static Model mnistLstm() {
    Model m = ModelReader.read(SharedModels.path(MNIST_LSTM));
    KernelRegistry registry = REFERENCE.kernels();
    Subgraph g = m.mainSubgraph();
    for (Operator op : List.copyOf(g.operators())) {
      if (op.is(BuiltinOperator.RESHAPE) && !registry.operators().contains(BuiltinOperator.RESHAPE)) {
        Tensor from = op.inputs().get(0);
        Tensor to = op.outputs().get(0);
        for (Operator user : g.operators()) {
          user.inputs().replaceAll(t -> t == to ? from : t);
        }
        g.operators().remove(op);
      }
    }
    Operator last = g.operators().get(g.operators().size() - 1);
    if (last.is(BuiltinOperator.SOFTMAX) && !registry.operators().contains(BuiltinOperator.SOFTMAX)) {
      g.operators().remove(last);
      g.outputs().clear();
      g.outputs().add(last.inputs().get(0));
      m.signatures().clear();
    }
    return m;
  }

  /** A 28x28 grayscale PNG as the model's [1, 28, 28] input: row-major, scaled to [0, 1]. */
  private static TensorValue mnistImage(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(28, img.getWidth());
    assertEquals(28, img.getHeight());
    float[] v = new float[28 * 28];
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        v[y * 28 + x] = img.getRaster().getSample(x, y, 0) / 255f;
      }
    }
    return TensorValue.ofFloats(Shape.of(1, 28, 28), v);
  }

  // --- Built LSTMs, one feature at a time -------------------------------------------------------

  @Test
  void basicBatchMajor() {
    compareBuilt(new LstmSpec().batch(1).time(5));
  }

  @Test
  void basicTimeMajorWithBatches() {
    compareBuilt(new LstmSpec().batch(3).time(4).timeMajor(true));
  }

  @Test
  void batchMajorWithBatches() {
    compareBuilt(new LstmSpec().batch(3).time(4));
  }

  @Test
  void cifg() {
    compareBuilt(new LstmSpec().batch(2).cifg(true));
    compareBuilt(new LstmSpec().batch(2).cifg(true).timeMajor(true));
  }

  @Test
  void peephole() {
    compareBuilt(new LstmSpec().batch(2).peephole(true));
    compareBuilt(new LstmSpec().batch(2).peephole(true).cifg(true).timeMajor(true));
  }

  @Test
  void projectionWithClipping() {
    LstmSpec spec = new LstmSpec().batch(2).cells(6).outputs(3).projection(true).projectionBias(true)
        .cellClip(0.4f).projClip(0.25f).inputScale(3f);
    Model m = spec.build();
    compare(m, spec);
    // The clips must actually bite for this test to mean anything.
    float[] y = runOnce(m, OracleComparison.randomInputs(m, 7, -spec.inputScale, spec.inputScale)).floats();
    assertTrue(containsMagnitude(y, 0.25f), "no output reached proj_clip");
  }

  @Test
  void projectionWithoutBiasTimeMajor() {
    compareBuilt(new LstmSpec().batch(3).cells(5).outputs(7).projection(true).timeMajor(true));
  }

  @Test
  void layerNorm() {
    compareBuilt(new LstmSpec().batch(2).layerNorm(true));
    compareBuilt(new LstmSpec().batch(3).layerNorm(true).timeMajor(true));
  }

  @Test
  void everythingTogether() {
    compareBuilt(new LstmSpec().batch(2).time(6).cells(8).outputs(4).peephole(true).projection(true)
        .projectionBias(true).layerNorm(true).cellClip(1.5f).projClip(0.7f));
    compareBuilt(new LstmSpec().batch(3).time(3).cells(8).outputs(4).cifg(true).peephole(true).projection(true)
        .layerNorm(true).cellClip(0.5f).timeMajor(true).inputScale(2f));
  }

  @Test
  void otherActivations() {
    for (FusedActivation a : List.of(FusedActivation.RELU, FusedActivation.RELU6, FusedActivation.RELU_N1_TO_1,
        FusedActivation.SIGN_BIT)) {
      compareBuilt(new LstmSpec().batch(2).activation(a).cellClip(3f).inputScale(2f));
    }
  }

  /**
   * With activation NONE, TensorFlow Lite multiplies the output gate by the cell gate instead of
   * the cell state (its NONE vector activation leaves the scratch row untouched); LiteQuant follows.
   */
  @Test
  void noActivation() {
    compareBuilt(new LstmSpec().batch(2).activation(FusedActivation.NONE).cellClip(3f));
  }

  @Test
  void allZeroInputs() {
    LstmSpec spec = new LstmSpec().batch(2).peephole(true);
    Model m = spec.build();
    TensorValue zeros = TensorValue.ofFloats(m.mainSubgraph().inputs().get(0).shape(),
        new float[(int) m.mainSubgraph().inputs().get(0).shape().elementCount()]);
    report("all-zero input", OracleComparison.compare(m, List.of(zeros), REFERENCE));
  }

  @Test
  void twentyInputForm() {
    compareBuilt(new LstmSpec().batch(2).peephole(true).inputCount(20));
  }

  /** Two LSTMs sharing state tensors: the second continues where the first left the states. */
  @Test
  void statesAreUpdatedInPlace() {
    LstmSpec spec = new LstmSpec().batch(2).time(3).peephole(true);
    Model m = spec.buildChained();
    compare(m, spec);
  }

  @Test
  void stateCarriesOverInvocationsUntilReset() {
    LstmSpec spec = new LstmSpec().batch(2).time(3);
    Model m = spec.build();
    List<TensorValue> in = OracleComparison.randomInputs(m, 3, -1, 1);
    Interpreter it = Interpreter.create(m, REFERENCE);
    it.setInput(0, in.get(0));
    it.invoke();
    TensorValue first = it.getOutput(0);
    it.invoke();
    TensorValue second = it.getOutput(0);
    assertFalse(first.equals(second), "the second run should start from the first run's final state");
    it.resetVariables();
    it.invoke();
    assertEquals(first, it.getOutput(0));
  }

  // --- What is refused ---------------------------------------------------------------------------

  @Test
  void refusesNonVariableState() {
    LstmSpec spec = new LstmSpec();
    Model m = spec.build();
    m.mainSubgraph().operators().get(0).inputs().get(18).setVariable(false);
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(m, REFERENCE));
    assertTrue(e.getMessage().contains("variable"), e.getMessage());
  }

  @Test
  void refusesHybridWeights() {
    LstmSpec spec = new LstmSpec();
    Model m = spec.build();
    Tensor w = m.mainSubgraph().operators().get(0).inputs().get(2);
    w.setType(DataType.INT8).setBuffer(dev.litequant.graph.Buffer.copyOf(new byte[(int) w.shape().elementCount()]));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(m, REFERENCE));
    assertTrue(e.getMessage().contains("UNIDIRECTIONAL_SEQUENCE_LSTM") && e.getMessage().contains("hybrid"),
        e.getMessage());
  }

  @Test
  void refusesQuantizedLstm() {
    Model m = ModelReader.read(SharedModels.path("tflite-micro/mnist_lstm/trained_lstm_int8.tflite"));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> Interpreter.create(m, REFERENCE));
    assertTrue(e.getMessage().contains("UNIDIRECTIONAL_SEQUENCE_LSTM"), e.getMessage());
  }

  @Test
  void refusesInconsistentShapes() {
    LstmSpec spec = new LstmSpec().peephole(true);
    Model m = spec.build();
    m.mainSubgraph().operators().get(0).inputs().set(10, null);
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> Interpreter.create(m, REFERENCE));
    assertTrue(e.getMessage().contains("peephole"), e.getMessage());
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private static void compareBuilt(LstmSpec spec) {
    compare(spec.build(), spec);
  }

  private static void compare(Model m, LstmSpec spec) {
    for (long seed = 1; seed <= 2; seed++) {
      report(spec.toString(), OracleComparison.compare(m,
          OracleComparison.randomInputs(m, seed, -spec.inputScale, spec.inputScale), REFERENCE));
    }
  }

  private static TensorValue runOnce(Model m, List<TensorValue> inputs) {
    Interpreter it = Interpreter.create(m, REFERENCE);
    for (int i = 0; i < inputs.size(); i++) {
      it.setInput(i, inputs.get(i));
    }
    it.invoke();
    return it.getOutput(0);
  }

  private static boolean containsMagnitude(float[] v, float magnitude) {
    for (float x : v) {
      if (Math.abs(x) == magnitude) {
        return true;
      }
    }
    return false;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static void report(String what, OracleComparison.Report r) {
    assertTrue(r.tensorsCompared() > 0, what + ": nothing was compared");
    System.out.printf("LSTM %s: %d tensors, worst relative error %.3g (%s)%n", what, r.tensorsCompared(),
        r.worstRelativeError(), r.worstTensor());
  }
}
