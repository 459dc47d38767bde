package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidModelException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Quantization;
import dev.litequant.graph.Tensor;
import dev.litequant.quant.QuantMath;
import dev.litequant.runtime.KernelFactory;
import dev.litequant.runtime.RuntimeTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * int16 SOFTMAX against TensorFlow Lite 2.6.2, bit for bit: rows of 1 to 300 values, ranks 1 to
 * 4, random input scales and betas, inputs spread over the whole int16 range or bunched near the
 * row maximum; with a truncating table lookup and an exact softmax as the alternatives; and the
 * models 2.6.2 refuses.
 */
class Int16SoftmaxTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("int16 SOFTMAX");

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  static Model softmax(float si, float so, float beta, int... shape) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = Int16Models.input(b, "x", si, shape);
    Tensor y = Int16Models.output(b, "y", so, shape);
    b.operator(BuiltinOperator.SOFTMAX, Table.of("SoftmaxOptions").with("beta", beta), List.of(x), List.of(y))
        .setVersion(3);
    return b.output(y).build();
  }

  /** The exact softmax of the dequantized row, rounded to Q0.15. */
  private static final KernelFactory EXACT = ctx -> {
    RuntimeTensor in = ctx.requireInput(0);
    RuntimeTensor out = ctx.output(0);
    ctx.setOutputShape(0, in.dims());
    float s = in.quantization().scale() * ctx.options("SoftmaxOptions").getFloat("beta");
    int depth = in.dim(in.rank() - 1);
    return () -> {
      short[] x = in.shorts();
      short[] y = out.shorts();
      for (int base = 0; base < in.size(); base += depth) {
        double max = -1e9;
        for (int c = 0; c < depth; c++) {
          max = Math.max(max, x[base + c] * (double) s);
        }
        double sum = 0;
        for (int c = 0; c < depth; c++) {
          sum += Math.exp(x[base + c] * (double) s - max);
        }
        for (int c = 0; c < depth; c++) {
          double p = Math.exp(x[base + c] * (double) s - max) / sum;
          y[base + c] = (short) QuantMath.clamp((int) QuantMath.roundHalfAwayFromZero(p * 32768), 0, 32767);
        }
      }
    };
  };

  private static void alternatives(QuantizedOracle.Checked c) {
    ORACLE.disagreements("SOFTMAX with a truncating table lookup", c, BuiltinOperator.SOFTMAX,
        ctx -> Int16Softmax.create(ctx, SoftmaxKernels.prepareRows(ctx),
            ctx.options("SoftmaxOptions").getFloat("beta"), Int16Softmax.Lookup.TRUNCATED));
    ORACLE.disagreements("SOFTMAX computed exactly and rounded", c, BuiltinOperator.SOFTMAX, EXACT);
  }

  @Test
  void randomRows() {
    Random r = new Random(1631);
    for (int i = 0; i < 40; i++) {
      int depth = 1 + r.nextInt(i % 3 == 0 ? 300 : 20);
      int[] shape = switch (r.nextInt(4)) {
        case 0 -> new int[] {depth};
        case 1 -> new int[] {1 + r.nextInt(8), depth};
        case 2 -> new int[] {2, 1 + r.nextInt(3), depth};
        default -> new int[] {1, 2, 1 + r.nextInt(3), depth};
      };
      float si = QuantizedModels.logUniform(r, 1e-5, 1e-2);
      float beta = i % 4 == 0 ? 1f : QuantizedModels.logUniform(r, 0.2, 2.2);
      int n = QuantizedModels.size(shape);
      short[] x = new short[n];
      // Half the models bunch the values within about 10 / (s_in beta) of each other, where the
      // exp table is not flat.
      int spread = i % 2 == 0 ? 65536 : Math.max(2, Math.min(65536, (int) (12 / (si * beta))));
      int centre = r.nextInt(65536) - 32768;
      for (int k = 0; k < n; k++) {
        x[k] = (short) QuantMath.clamp(centre + r.nextInt(spread) - spread / 2, -32768, 32767);
      }
      QuantizedOracle.Checked c = ORACLE.check("#" + i + " " + Arrays.toString(shape) + " s_in " + si + " beta " + beta,
          softmax(si, 1f / 32768, beta, shape), List.of(Int16Models.value(x, shape)));
      alternatives(c);
    }
  }

  /** Every int16 code, as 256 rows of 256 consecutive codes, for a few input scales. */
  @Test
  void everyCodeInRowsOfConsecutiveCodes() {
    for (float si : new float[] {1f / 65536, 3e-4f, 1f / 4096}) {
      QuantizedOracle.Checked c = ORACLE.check("every code, s_in " + si, softmax(si, 1f / 32768, 1f, 256, 256),
          List.of(Int16Models.value(Int16Models.allCodes(), 256, 256)));
      alternatives(c);
    }
  }

  @Test
  void refusedLikeTensorFlowLite() {
    InvalidModelException scale = ORACLE.checkRefused("SOFTMAX int16 output scale 1/32768 (1 + 2e-3)",
        softmax(1e-3f, (float) (1.0 / 32768 * (1 + 2e-3)), 1f, 4, 8), InvalidModelException.class);
    assertTrue(scale.getMessage().contains("1/32768"), scale.getMessage());
    UnsupportedModelException rank = ORACLE.checkRefused("SOFTMAX int16 rank 5",
        softmax(1e-3f, 1f / 32768, 1f, 1, 1, 2, 2, 3), UnsupportedModelException.class);
    assertTrue(rank.getMessage().contains("rank 5"), rank.getMessage());
    for (int which = 0; which < 2; which++) {
      Model m = softmax(1e-3f, 1f / 32768, 1f, 4, 8);
      var op = m.mainSubgraph().operators().get(0);
      Tensor t = which == 0 ? op.inputs().get(0) : op.outputs().get(0);
      t.setQuantization(Quantization.perTensor(t.quantization().scale(), 7));
      ORACLE.checkRefused("SOFTMAX int16 zero point 7", m, InvalidModelException.class);
    }
  }

  /** An output scale within 0.1% of 1/32768 is accepted and changes nothing. */
  @Test
  void outputScaleNearOneOver32768() {
    Random r = new Random(1632);
    short[] x = Int16Models.randomCodes(r, 64);
    ORACLE.check("SOFTMAX int16 output scale 1/32768 (1 + 5e-4)",
        softmax(1e-3f, (float) (1.0 / 32768 * (1 + 5e-4)), 1f, 4, 16), List.of(Int16Models.value(x, 4, 16)));
  }
}
