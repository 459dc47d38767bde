package dev.litequant.quantize;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small float model under construction, for the operator-table tests: inputs with a calibration
 * range each, random float constants (weights, biases, alphas) from a fixed seed, int32 constants
 * for shapes, axes and indices, and operators whose output shapes the caller works out.
 */
final class FloatGraph {
  private final ModelBuilder builder = new ModelBuilder();
  private final Random random;
  private final List<float[]> inputRanges = new ArrayList<>();
  private int names;

  FloatGraph(long seed) {
    this.random = new Random(seed);
  }

  /** A float model input whose samples are uniform in [lo, hi). */
  Tensor input(float lo, float hi, int... shape) {
    inputRanges.add(new float[] {lo, hi});
    return builder.input("x" + inputRanges.size(), DataType.FLOAT32, shape);
  }

  /** A float constant, uniform in [lo, hi). */
  Tensor constant(float lo, float hi, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + random.nextFloat() * (hi - lo);
    }
    return builder.constant(name("c"), v, shape);
  }

  /** A float constant with the given values. */
  Tensor constantOf(float[] values, int... shape) {
    return builder.constant(name("c"), values, shape);
  }

  /** A 1-D int32 constant (shapes, axes, permutations, indices). */
  Tensor ints(int... values) {
    return builder.constantInts(name("i"), values, values.length);
  }

  /** An int32 constant of any shape (paddings, crops, index tuples). */
  Tensor intsShaped(int[] shape, int... values) {
    return builder.constantInts(name("i"), values, shape);
  }

  /** A scalar int32 constant. */
  Tensor scalar(int value) {
    return builder.constantInts(name("i"), new int[] {value});
  }

  /** A single-output float operator. */
  Tensor op(BuiltinOperator type, Table options, int[] outShape, Tensor... inputs) {
    return builder.apply(type, options, name(type.name().toLowerCase(java.util.Locale.ROOT)), DataType.FLOAT32,
        outShape, inputs);
  }

  /** A float operator with one output per shape. */
  Tensor[] ops(BuiltinOperator type, Table options, int[][] outShapes, Tensor... inputs) {
    List<Tensor> outs = new ArrayList<>();
    for (int[] s : outShapes) {
      outs.add(builder.tensor(name(type.name().toLowerCase(java.util.Locale.ROOT)), DataType.FLOAT32, s));
    }
    builder.operator(type, options, List.of(inputs), outs);
    return outs.toArray(new Tensor[0]);
  }

  /** The finished model with these outputs, and the calibration range of each input. */
  OpCase finish(String description, double tolerance, Tensor... outputs) {
    Model m = builder.output(outputs).signature("serving_default").build();
    return new OpCase(description, m, List.copyOf(inputRanges), tolerance);
  }

  private String name(String prefix) {
    return prefix + "_" + (names++);
  }
}
