package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import dev.litequant.runtime.kernels.Int16Reductions.MeanPath;
import dev.litequant.runtime.kernels.ReductionKernels.Reducer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * int16 MEAN, SUM, REDUCE_MAX and REDUCE_MIN against TensorFlow Lite 2.6.2, bit for bit: MEAN on
 * each of its three paths (the integer kernel of a spatial mean, the truncating mean for equal
 * parameters, the float path), each also run through the other formulas; SUM over enough values
 * to wrap; and what 2.6.2 refuses.
 */
class Int16ReductionKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int16 MEAN, SUM, REDUCE_MAX, REDUCE_MIN");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model reduce(BuiltinOperator op, float si, float so, int[] shape, int[] axes, boolean keepDims) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = Int16Models.input(b, "x", si, shape);
    Tensor y = Int16Models.output(b, "y", so, 1);
    b.operator(op, Table.of("ReducerOptions").with("keep_dims", keepDims),
        List.of(x, b.constantInts("axes", axes, axes.length)), List.of(y)).setVersion(op == BuiltinOperator.SUM ? 2 : 3);
    return b.output(y).build();
  }

  private static void meanAlternatives(QuantizedOracle.Checked c) {
    for (MeanPath path : new MeanPath[] {MeanPath.INTEGER, MeanPath.FLOAT}) {
      ORACLE.disagreements("MEAN through the " + path + " formula", c, BuiltinOperator.MEAN,
          ctx -> Int16Reductions.create(ctx, ReductionKernels.prepare(ctx), Reducer.MEAN, path));
    }
  }

  /**
   * Spatial means (the integer kernel), other axes, keep_dims false, equal and different scales;
   * axes {-3, -2} show whether the integer kernel's test reads negative axes.
   */
  @Test
  void meanPaths() {
    Random r = new Random(1641);
    int[][] axesSets = {{1, 2}, {2, 1}, {-3, -2}, {3}, {1}, {0, 1, 2, 3}, {2}};
    for (int i = 0; i < 42; i++) {
      int[] axes = axesSets[i % axesSets.length];
      boolean keep = i % 3 != 2;
      int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(12), 1 + r.nextInt(12), 1 + r.nextInt(40)};
      float si = QuantizedModels.logUniform(r, 1e-5, 1e-3);
      float so = i % 4 == 0 ? si : si * QuantizedModels.logUniform(r, 0.2, 3);
      short[] x = Int16Models.randomCodes(r, QuantizedModels.size(shape));
      QuantizedOracle.Checked c = ORACLE.check("MEAN " + Arrays.toString(shape) + " axes " + Arrays.toString(axes)
          + (keep ? " keep_dims" : "") + (si == so ? " equal scales" : ""), reduce(BuiltinOperator.MEAN, si, so, shape,
          axes, keep), List.of(Int16Models.value(x, shape)));
      meanAlternatives(c);
    }
  }

  /** SUM of up to 1600 codes (wrapping in int16), REDUCE_MAX and REDUCE_MIN, equal parameters. */
  @Test
  void sumMaxMinOfCodes() {
    Random r = new Random(1642);
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX,
        BuiltinOperator.REDUCE_MIN}) {
      for (int i = 0; i < 6; i++) {
        int[] shape = {1, 1 + r.nextInt(40), 1 + r.nextInt(40), 1 + r.nextInt(3)};
        int[] axes = i % 2 == 0 ? new int[] {1, 2} : new int[] {3};
        float s = QuantizedModels.logUniform(r, 1e-5, 1e-3);
        short[] x = Int16Models.randomCodes(r, QuantizedModels.size(shape));
        ORACLE.check(op + " " + Arrays.toString(shape) + " axes " + Arrays.toString(axes),
            reduce(op, s, s, shape, axes, i % 3 != 0), List.of(Int16Models.value(x, shape)));
      }
    }
  }

  @Test
  void refusedLikeTensorFlowLite() {
    int[] shape = {1, 4, 4, 3};
    int[] axes = {1, 2};
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX,
        BuiltinOperator.REDUCE_MIN}) {
      InvalidModelException e = ORACLE.checkRefused(op + " int16 with different scales",
          reduce(op, 1e-3f, 2e-3f, shape, axes, true), InvalidModelException.class);
      assertTrue(e.getMessage().contains("quantized differently"), e.getMessage());
    }
    for (int which = 0; which < 2; which++) {
      Model m = reduce(BuiltinOperator.MEAN, 1e-3f, 2e-3f, shape, axes, true);
      var op = m.mainSubgraph().operators().get(0);
      Tensor t = which == 0 ? op.inputs().get(0) : op.outputs().get(0);
      t.setQuantization(Quantization.perTensor(t.quantization().scale(), -6));
      InvalidModelException e = ORACLE.checkRefused("MEAN int16 zero point -6", m, InvalidModelException.class);
      assertTrue(e.getMessage().contains("zero point -6"), e.getMessage());
    }
  }

  /** 2.6.2 runs int16 REDUCE_PROD but multiplies the raw codes; LiteQuant refuses it. */
  @Test
  void reduceProdIsRefused() {
    Model m = reduce(BuiltinOperator.REDUCE_PROD, 1e-3f, 1e-3f, new int[] {1, 2, 2, 3}, new int[] {1, 2}, true);
    m.mainSubgraph().operators().get(0).setVersion(1);
    List<TensorValue> in = List.of(Int16Models.value(new short[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, 1, 2, 2, 3));
    byte[] theirs = QuantizedOracle.oracle(m, in).get(0);
    // Codes 2*5*8*11 = 880, 3*6*9*12 = 1944, 4*7*10*13 = 3640: the product of the raw codes.
    assertTrue(theirs[0] == (byte) 880 && theirs[1] == (byte) (880 >> 8), Arrays.toString(theirs));
    UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
        () -> QuantizedOracle.run(m, in, InterpreterOptions.referenceKernels()));
    assertTrue(e.getMessage().contains("PROD"), e.getMessage());
  }
}
