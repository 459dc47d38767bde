package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.flatbuf.Table;
import dev.litequant.graph.Buffer;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Padding;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Shape;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Hybrid (dynamic-range) kernels against TensorFlow Lite 2.6.2, float output bits compared one by
 * one: FULLY_CONNECTED with symmetric (v3) and asymmetric (v9) input quantization, CONV_2D with
 * per-tensor (v2) and per-channel (v5) filters, DEPTHWISE_CONV_2D (v6), BATCH_MATMUL with both
 * schemes (v1, v4) and EMBEDDING_LOOKUP (v3). Inputs mix signs and ranges, include rows that are
 * all positive (zero point -128), all negative, all zero, and rows built so that quantization
 * hits exact ties (half codes), where rounding half away from zero and half to even differ.
 */
class HybridKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("hybrid FULLY_CONNECTED, CONV_2D, "
      + "DEPTHWISE_CONV_2D, BATCH_MATMUL, EMBEDDING_LOOKUP");
  private static final int[] ACTIVATIONS = {FusedActivation.NONE.code(), FusedActivation.RELU.code(),
      FusedActivation.RELU6.code(), FusedActivation.RELU_N1_TO_1.code()};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  // ---- inputs ----

  /** How one row of float input values is drawn. */
  private enum RowKind { MIXED, POSITIVE, NEGATIVE, ZERO, TIES, SMALL }

  private static void fillRow(Random r, float[] v, int from, int n, RowKind kind) {
    float magnitude = (float) Math.exp(r.nextDouble() * 8 - 4);
    for (int i = 0; i < n; i++) {
      float u = r.nextFloat();
      v[from + i] = switch (kind) {
        case MIXED -> (u * 2 - 1) * magnitude;
        case POSITIVE -> u * magnitude;
        case NEGATIVE -> -u * magnitude;
        case ZERO -> r.nextBoolean() ? 0f : -0f;
        // With 127 and -127 in the row the symmetric reciprocal is 1, with 127 and -128 the asymmetric
        // scale is 1 (zero point 0): half-integers then sit exactly on rounding ties.
        case TIES -> i == 0 ? 127f : i == 1 ? (magnitude < 1 ? -127f : -128f)
            : (r.nextInt(255) - 127) + (r.nextBoolean() ? 0.5f : 0f);
        case SMALL -> (u * 2 - 1) * 1e-30f;
      };
    }
    if (kind == RowKind.TIES && n == 1) {
      v[from] = 127f;
    }
  }

  private static float[] rows(Random r, int rows, int width) {
    float[] v = new float[rows * width];
    RowKind[] kinds = RowKind.values();
    for (int i = 0; i < rows; i++) {
      RowKind kind = r.nextInt(3) == 0 ? kinds[r.nextInt(kinds.length)] : RowKind.MIXED;
      fillRow(r, v, i * width, width, kind);
    }
    return v;
  }

  private static float[] floats(Random r, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (r.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  private static Tensor weights(ModelBuilder b, byte[] codes, float[] scales, int axis, int... shape) {
    return QuantizedModels.int8Weights(b, "w", codes, scales, axis, shape);
  }

  private static TensorValue value(float[] v, int... shape) {
    return TensorValue.ofFloats(Shape.of(shape), v);
  }

  // ---- FULLY_CONNECTED ----

  private static Model fullyConnected(int rows, int depth, int units, byte[] w, float[] scales, float[] bias,
      boolean asymmetric, int act, boolean keepDims) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = keepDims ? b.input("x", DataType.FLOAT32, 1, rows, depth) : b.input("x", DataType.FLOAT32, rows, depth);
    Tensor wt = weights(b, w, scales, 0, units, depth);
    List<Tensor> in = new ArrayList<>(List.of(x, wt));
    if (bias != null) {
      in.add(b.constant("b", bias, units));
    }
    Tensor y = keepDims ? b.tensor("y", DataType.FLOAT32, 1, rows, units) : b.tensor("y", DataType.FLOAT32, rows, units);
    Table o = Table.of("FullyConnectedOptions").with("fused_activation_function", act)
        .with("asymmetric_quantize_inputs", asymmetric).with("keep_num_dims", keepDims);
    b.operator(BuiltinOperator.FULLY_CONNECTED, o, in, List.of(y)).setVersion(asymmetric ? 9 : bias == null ? 6 : 3);
    return b.output(y).build();
  }

  @Test
  void fullyConnectedRandom() {
    Random r = new Random(101);
    for (int i = 0; i < 120; i++) {
      int rows = 1 + r.nextInt(5);
      int depth = 1 + r.nextInt(i % 10 == 0 ? 700 : 120);
      int units = 1 + r.nextInt(40);
      boolean asymmetric = r.nextBoolean();
      int act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
      float[] bias = r.nextInt(5) == 0 ? null : floats(r, units, 2f);
      float scale = QuantizedModels.logUniform(r, 1e-4, 1e-1);
      boolean keepDims = r.nextInt(4) == 0;
      Model m = fullyConnected(rows, depth, units, QuantizedModels.randomWeights(r, units * depth),
          new float[] {scale}, bias, asymmetric, act, keepDims);
      float[] x = rows(r, rows, depth);
      ORACLE.check("FC #" + i + " " + rows + "x" + depth + " -> " + units + (asymmetric ? " asymmetric" : " symmetric")
          + " act " + act + (bias == null ? " no bias" : ""), m,
          List.of(keepDims ? value(x, 1, rows, depth) : value(x, rows, depth)));
    }
  }

  /** An input of zeros skips the product: only the bias (through the activation) remains. */
  @Test
  void fullyConnectedZeroInput() {
    Random r = new Random(102);
    for (boolean asymmetric : new boolean[] {false, true}) {
      Model m = fullyConnected(3, 20, 7, QuantizedModels.randomWeights(r, 140), new float[] {0.01f},
          floats(r, 7, 3f), asymmetric, FusedActivation.RELU.code(), false);
      float[] x = new float[60];
      x[5] = -0f;
      ORACLE.check("FC zero input " + asymmetric, m, List.of(value(x, 3, 20)));
    }
  }

  // ---- CONV_2D and DEPTHWISE_CONV_2D ----

  private static Model convolution(boolean depthwise, int batches, int h, int w, int inC, int outC, int kh, int kw,
      int sh, int sw, int dil, Padding padding, int act, byte[] filter, float[] scales, float[] bias, int version) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("x", DataType.FLOAT32, batches, h, w, inC);
    Tensor f = depthwise ? weights(b, filter, scales, 3, 1, kh, kw, outC) : weights(b, filter, scales, 0, outC, kh, kw, inC);
    Tensor bt = b.constant("b", bias, outC);
    int oh = padding == Padding.SAME ? (h + sh - 1) / sh : (h - (kh - 1) * dil - 1 + sh) / sh;
    int ow = padding == Padding.SAME ? (w + sw - 1) / sw : (w - (kw - 1) * dil - 1 + sw) / sw;
    Tensor y = b.tensor("y", DataType.FLOAT32, batches, oh, ow, outC);
    Table o = depthwise ? Table.of("DepthwiseConv2DOptions").with("depth_multiplier", outC / inC)
        : Table.of("Conv2DOptions");
    o = o.with("padding", padding.code()).with("stride_h", sh).with("stride_w", sw).with("dilation_h_factor", dil)
        .with("dilation_w_factor", dil).with("fused_activation_function", act);
    b.operator(depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D, o, List.of(x, f, bt),
        List.of(y)).setVersion(version);
    return b.output(y).build();
  }

  private void randomConvolutions(boolean depthwise, boolean perChannel, long seed, int count) {
    Random r = new Random(seed);
    for (int i = 0; i < count; ) {
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int dil = perChannel && r.nextInt(4) == 0 ? 2 : 1;
      int h = 1 + r.nextInt(12);
      int w = 1 + r.nextInt(12);
      Padding padding = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      if (padding == Padding.VALID && (h < (kh - 1) * dil + 1 || w < (kw - 1) * dil + 1)) {
        continue;
      }
      int inC = 1 + r.nextInt(6);
      int outC = depthwise ? inC * (1 + r.nextInt(3)) : (perChannel ? 2 : 1) + r.nextInt(12);
      int batches = 1 + r.nextInt(3);
      int sh = 1 + r.nextInt(2);
      int sw = 1 + r.nextInt(2);
      int act = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
      int n = outC * kh * kw * (depthwise ? 1 : inC);
      float[] scales = perChannel ? QuantizedModels.logUniform(r, outC, 1e-4, 1e-1)
          : new float[] {QuantizedModels.logUniform(r, 1e-4, 1e-1)};
      int version = depthwise ? 6 : perChannel ? 5 : 2;
      Model m = convolution(depthwise, batches, h, w, inC, outC, kh, kw, sh, sw, dil, padding, act,
          QuantizedModels.randomWeights(r, n), scales, floats(r, outC, 1f), version);
      float[] x = rows(r, batches, h * w * inC);
      String label = (depthwise ? "DEPTHWISE" : "CONV_2D") + " #" + i + " " + batches + "x" + h + "x" + w + "x" + inC
          + " -> " + outC + " " + kh + "x" + kw + " stride " + sh + "x" + sw + " dilation " + dil + " " + padding
          + " act " + act + (perChannel ? " per-channel" : " per-tensor");
      ORACLE.check(label, m, List.of(value(x, batches, h, w, inC)));
      i++;
    }
  }

  @Test
  void conv2dPerTensorRandom() {
    randomConvolutions(false, false, 201, 60);
  }

  @Test
  void conv2dPerChannelRandom() {
    randomConvolutions(false, true, 202, 60);
  }

  @Test
  void depthwiseRandom() {
    randomConvolutions(true, true, 203, 60);
  }

  // ---- BATCH_MATMUL ----

  /**
   * Only shapes 2.6.2 computes correctly: its hybrid BATCH_MATMUL sizes its temporary buffers from
   * the wrong dimensions and overruns them (garbage outputs, sometimes a corrupted heap) unless the
   * weights are not transposed (adj_y false) and the depth is at least the number of rows
   * (k >= m). The quantizer writes hybrid BATCH_MATMUL only then.
   */
  @Test
  void batchMatMulRandom() {
    Random r = new Random(301);
    for (int i = 0; i < 60; i++) {
      int k = 1 + r.nextInt(i % 6 == 0 ? 400 : 60);
      int m = 1 + r.nextInt(Math.min(k, 6));
      int n = 1 + r.nextInt(20);
      int lhsBatch = 1 + r.nextInt(3);
      boolean rhsBatched = r.nextInt(3) == 0;
      int rhsBatch = rhsBatched ? (r.nextBoolean() ? lhsBatch : 1) : 0;
      boolean adjX = r.nextInt(3) == 0;
      boolean asymmetric = r.nextBoolean();
      ModelBuilder b = new ModelBuilder();
      Tensor x = adjX ? b.input("x", DataType.FLOAT32, lhsBatch, k, m) : b.input("x", DataType.FLOAT32, lhsBatch, m, k);
      int[] wShape = rhsBatched ? new int[] {rhsBatch, k, n} : new int[] {k, n};
      Tensor w = weights(b, QuantizedModels.randomWeights(r, QuantizedModels.size(wShape)),
          new float[] {QuantizedModels.logUniform(r, 1e-4, 1e-1)}, 0, wShape);
      Tensor y = b.tensor("y", DataType.FLOAT32, lhsBatch, m, n);
      Table o = Table.of("BatchMatMulOptions").with("adj_x", adjX).with("asymmetric_quantize_inputs", asymmetric);
      b.operator(BuiltinOperator.BATCH_MATMUL, o, List.of(x, w), List.of(y)).setVersion(asymmetric ? 4 : 1);
      float[] values = adjX ? floats(r, lhsBatch * m * k, (float) Math.exp(r.nextDouble() * 6 - 3))
          : rows(r, lhsBatch * m, k);
      ORACLE.check("BATCH_MATMUL #" + i + " " + lhsBatch + "x" + m + "x" + k + " by " + java.util.Arrays.toString(wShape)
          + " adj_x " + adjX + (asymmetric ? " asymmetric" : " symmetric"), b.output(y).build(),
          List.of(adjX ? value(values, lhsBatch, k, m) : value(values, lhsBatch, m, k)));
    }
  }

  /**
   * Accumulators beyond 2^24, where 2.6.2's float zero-point correction rounds twice (the product
   * to float, then the difference) where an int32 correction would round once: depth 2048,
   * weights and inputs of one sign, inputs near their maximum so that the codes are near 127.
   */
  @Test
  void batchMatMulLargeAccumulators() {
    Random r = new Random(302);
    int k = 2048;
    for (boolean asymmetric : new boolean[] {false, true}) {
      ModelBuilder b = new ModelBuilder();
      Tensor x = b.input("x", DataType.FLOAT32, 1, 4, k);
      byte[] codes = new byte[k * 64];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (byte) (100 + r.nextInt(28));
      }
      Tensor w = weights(b, codes, new float[] {0.003f}, 0, k, 64);
      Tensor y = b.tensor("y", DataType.FLOAT32, 1, 4, 64);
      b.operator(BuiltinOperator.BATCH_MATMUL, Table.of("BatchMatMulOptions")
          .with("asymmetric_quantize_inputs", asymmetric), List.of(x, w), List.of(y)).setVersion(asymmetric ? 4 : 1);
      float[] values = new float[4 * k];
      for (int i = 0; i < values.length; i++) {
        values[i] = 1f + 0.05f * r.nextFloat();
      }
      ORACLE.check("BATCH_MATMUL large accumulators " + asymmetric, b.output(y).build(), List.of(value(values, 1, 4, k)));
    }
  }

  // ---- EMBEDDING_LOOKUP ----

  @Test
  void embeddingLookup() {
    Random r = new Random(401);
    for (int i = 0; i < 10; i++) {
      int rows = 1 + r.nextInt(50);
      int[] shape = r.nextBoolean() ? new int[] {rows, 1 + r.nextInt(40)} : new int[] {rows, 1 + r.nextInt(6), 3};
      ModelBuilder b = new ModelBuilder();
      Tensor ids = b.input("ids", DataType.INT32, 7);
      Tensor table = b.constant("table", DataType.INT8,
          Buffer.copyOf(QuantizedModels.randomWeights(r, QuantizedModels.size(shape))), shape);
      table.setQuantization(Quantization.perTensor(QuantizedModels.logUniform(r, 1e-4, 10), 0));
      int[] outShape = shape.clone();
      outShape[0] = 7;
      Tensor y = b.tensor("y", DataType.FLOAT32, outShape);
      b.operator(BuiltinOperator.EMBEDDING_LOOKUP, null, List.of(ids, table), List.of(y)).setVersion(3);
      int[] idv = new int[7];
      for (int k = 0; k < 7; k++) {
        idv[k] = r.nextInt(rows);
      }
      ORACLE.check("EMBEDDING_LOOKUP #" + i, b.output(y).build(), List.of(TensorValue.ofInts(Shape.of(7), idv)));
    }
    assertTrue(ORACLE.elements() > 0);
  }
}
