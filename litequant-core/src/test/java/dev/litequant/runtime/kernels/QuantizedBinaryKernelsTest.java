package dev.litequant.runtime.kernels;

import static dev.litequant.runtime.kernels.QuantizedOracle.allCodes;
import static dev.litequant.runtime.kernels.QuantizedOracle.codes;
import static dev.litequant.runtime.kernels.QuantizedOracle.scale;
import static dev.litequant.runtime.kernels.QuantizedOracle.zeroPoint;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.litequant.InvalidModelException;
import dev.litequant.flatbuf.Table;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import dev.litequant.graph.FusedActivation;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelBuilder;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Quantized ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM/MINIMUM and comparisons against TensorFlow
 * Lite 2.6.2: every pair of codes for several random scale sets (same shape and broadcast), random
 * broadcast shapes with random scales and zero points, and all four fused activations.
 */
class QuantizedBinaryKernelsTest {
  private static final QuantizedOracle ORACLE = new QuantizedOracle("quantized binary");
  private static final FusedActivation[] ACTS = {
      FusedActivation.NONE, FusedActivation.RELU, FusedActivation.RELU6, FusedActivation.RELU_N1_TO_1};
  private static final int[][][] BROADCASTS = {
      {{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{1}, {2, 5}}, {{3, 1, 2, 1}, {1, 4, 1, 5}},
      {{1, 1, 1, 1}, {2, 2, 3, 3}}, {{2, 2, 3, 3}, {1, 2, 1, 3}}};

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
  }

  record Q(float scale, int zp) {}

  static Table options(BuiltinOperator op, FusedActivation act, Boolean potScaleInt16) {
    String name = switch (op) {
      case ADD -> "AddOptions";
      case SUB -> "SubOptions";
      case MUL -> "MulOptions";
      default -> null;
    };
    if (name == null) {
      return null;
    }
    Table t = Table.of(name).with("fused_activation_function", act.code());
    return potScaleInt16 == null ? t : t.with("pot_scale_int16", potScaleInt16);
  }

  static Model binary(BuiltinOperator op, Table options, DataType type, int[] sa, Q qa, int[] sb, Q qb, Q qo) {
    ModelBuilder b = new ModelBuilder();
    Tensor x = QuantizedOracle.input(b, "a", type, qa.scale, qa.zp, sa);
    Tensor y = QuantizedOracle.input(b, "b", type, qb.scale, qb.zp, sb);
    int[] so = Shapes.broadcast(sa, sb);
    boolean cmp = switch (op) {
      case EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL -> true;
      default -> false;
    };
    Tensor z = cmp ? b.tensor("z", DataType.BOOL, so) : QuantizedOracle.tensor(b, "z", type, qo.scale, qo.zp, so);
    b.operator(op, options, List.of(x, y), List.of(z));
    return b.output(z).build();
  }

  /** Every pair of codes: [256,1] against [1,256] (broadcast), or both flattened to [65536]. */
  static List<TensorValue> allPairs(DataType type, boolean broadcast) {
    int[] c = allCodes(type);
    if (broadcast) {
      return List.of(codes(type, new int[] {256, 1}, c), codes(type, new int[] {1, 256}, c));
    }
    int[] a = new int[65536];
    int[] b = new int[65536];
    for (int i = 0; i < 65536; i++) {
      a[i] = c[i >> 8];
      b[i] = c[i & 255];
    }
    return List.of(codes(type, new int[] {65536}, a), codes(type, new int[] {65536}, b));
  }

  static void allPairsCase(BuiltinOperator op, Table options, DataType type, Q qa, Q qb, Q qo, boolean broadcast,
      String label) {
    int[] sa = broadcast ? new int[] {256, 1} : new int[] {65536};
    int[] sb = broadcast ? new int[] {1, 256} : new int[] {65536};
    ORACLE.check(label, binary(op, options, type, sa, qa, sb, qb, qo), allPairs(type, broadcast));
  }

  /** Random input scales within a factor of 30 of each other; the output scale of their sum's range. */
  static Q[] addScales(Random r, DataType type) {
    Q qa = new Q(scale(r, 1e-3, 0.5), zeroPoint(r, type));
    Q qb = new Q(qa.scale * scale(r, 1 / 30.0, 30), zeroPoint(r, type));
    Q qo = new Q(Math.max(qa.scale, qb.scale) * scale(r, 0.3, 4), zeroPoint(r, type));
    return new Q[] {qa, qb, qo};
  }

  @Test
  void addAndSubEveryPairOfCodes() {
    Random r = new Random(1);
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.ADD, BuiltinOperator.SUB}) {
      for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
        for (int set = 0; set < 6; set++) {
          Q[] q = addScales(r, type);
          if (set == 0) {
            q = new Q[] {q[0], q[0], q[2]};
          }
          FusedActivation act = ACTS[n++ % ACTS.length];
          for (boolean broadcast : new boolean[] {false, true}) {
            allPairsCase(op, options(op, act, null), type, q[0], q[1], q[2], broadcast,
                op + " " + type + " " + List.of(q) + " " + act + (broadcast ? " broadcast" : ""));
          }
        }
      }
    }
  }

  @Test
  void mulEveryPairOfCodes() {
    Random r = new Random(2);
    int n = 0;
    for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
      for (int set = 0; set < 6; set++) {
        Q qa = new Q(scale(r, 1e-3, 0.5), zeroPoint(r, type));
        Q qb = new Q(scale(r, 1e-3, 0.5), zeroPoint(r, type));
        // Output range of the product, give or take: multipliers above and below one.
        Q qo = new Q(qa.scale * qb.scale * scale(r, 2, 400), zeroPoint(r, type));
        FusedActivation act = ACTS[n++ % ACTS.length];
        for (boolean broadcast : new boolean[] {false, true}) {
          allPairsCase(BuiltinOperator.MUL, options(BuiltinOperator.MUL, act, null), type, qa, qb, qo, broadcast,
              "MUL " + type + " " + List.of(qa, qb, qo) + " " + act);
        }
      }
    }
  }

  @Test
  void squaredDifferenceEveryPairOfCodes() {
    Random r = new Random(3);
    for (int set = 0; set < 6; set++) {
      Q qa = new Q(scale(r, 1e-3, 0.5), zeroPoint(r, DataType.INT8));
      Q qb = new Q(set == 0 ? qa.scale : qa.scale * scale(r, 1 / 10.0, 10), zeroPoint(r, DataType.INT8));
      float m = Math.max(qa.scale, qb.scale);
      Q qo = new Q(m * m * scale(r, 5, 600), zeroPoint(r, DataType.INT8));
      for (boolean broadcast : new boolean[] {false, true}) {
        allPairsCase(BuiltinOperator.SQUARED_DIFFERENCE, null, DataType.INT8, qa, qb, qo, broadcast,
            "SQUARED_DIFFERENCE " + List.of(qa, qb, qo));
      }
    }
  }

  @Test
  void comparisonsEveryPairOfCodes() {
    Random r = new Random(4);
    BuiltinOperator[] ops = {BuiltinOperator.EQUAL, BuiltinOperator.NOT_EQUAL, BuiltinOperator.LESS,
        BuiltinOperator.LESS_EQUAL, BuiltinOperator.GREATER, BuiltinOperator.GREATER_EQUAL};
    for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
      for (int set = 0; set < 4; set++) {
        // Set 0: one tiny scale, where (q - zp) << 8 scaled by it collapses neighbouring codes.
        Q qa = new Q(set == 0 ? 3e-6f : scale(r, 1e-3, 0.9), zeroPoint(r, type));
        Q qb = new Q(set == 1 ? qa.scale : scale(r, 1e-3, 0.9), set == 1 ? qa.zp : zeroPoint(r, type));
        BuiltinOperator op = ops[(set + (type == DataType.UINT8 ? 3 : 0)) % ops.length];
        allPairsCase(op, null, type, qa, qb, null, true, op + " " + type + " " + List.of(qa, qb));
        allPairsCase(ops[(set + 1) % ops.length], null, type, qa, qb, null, false, op + " " + type + " " + List.of(qa, qb));
      }
    }
  }

  @Test
  void randomBroadcastShapesScalesAndActivations() {
    Random r = new Random(5);
    BuiltinOperator[] ops = {BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL,
        BuiltinOperator.SQUARED_DIFFERENCE, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM};
    int n = 0;
    for (BuiltinOperator op : ops) {
      for (DataType type : new DataType[] {DataType.INT8, DataType.UINT8}) {
        if (op == BuiltinOperator.SQUARED_DIFFERENCE && type == DataType.UINT8) {
          continue;
        }
        for (int[][] shapes : BROADCASTS) {
          for (boolean swap : new boolean[] {false, true}) {
            Q[] q = addScales(r, type);
            if (op == BuiltinOperator.MUL) {
              q[2] = new Q(q[0].scale * q[1].scale * scale(r, 2, 400), q[2].zp);
            } else if (op == BuiltinOperator.SQUARED_DIFFERENCE) {
              float m = Math.max(q[0].scale, q[1].scale);
              q[2] = new Q(m * m * scale(r, 5, 600), q[2].zp);
            }
            FusedActivation act = ACTS[n++ % ACTS.length];
            int[] sa = swap ? shapes[1] : shapes[0];
            int[] sb = swap ? shapes[0] : shapes[1];
            Model m = binary(op, options(op, act, null), type, sa, q[0], sb, q[1], q[2]);
            ORACLE.checkRandom(op + " " + type + " " + Shapes.str(sa) + " " + Shapes.str(sb) + " " + act, m, n);
          }
        }
      }
    }
  }

  /** int16 ADD and SUB on the general path (pot_scale_int16 false, or no options table at all). */
  @Test
  void int16GeneralPath() {
    Random r = new Random(6);
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.ADD, BuiltinOperator.SUB}) {
      for (int set = 0; set < 6; set++) {
        Q qa = new Q(scale(r, 1e-5, 1e-3), 0);
        Q qb = new Q(qa.scale * scale(r, 1 / 30.0, 30), 0);
        Q qo = new Q(Math.max(qa.scale, qb.scale) * scale(r, 0.5, 4), 0);
        FusedActivation act = ACTS[n++ % ACTS.length];
        Table options = set == 5 ? null : options(op, act, false);
        int[] sa = set % 2 == 0 ? new int[] {4096} : new int[] {64, 1};
        int[] sb = set % 2 == 0 ? new int[] {4096} : new int[] {1, 64};
        Model m = binary(op, options, DataType.INT16, sa, qa, sb, qb, qo);
        ORACLE.checkRandom(op + " int16 general " + List.of(qa, qb, qo) + " " + (options == null ? "no options" : act),
            m, n);
      }
    }
  }

  /**
   * int16 ADD and SUB with pot_scale_int16 true (written, or left to the schema default) and
   * power-of-two scales: one input on the output scale, the other finer, both orders.
   */
  @Test
  void int16PowerOfTwoPath() {
    int n = 0;
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.ADD, BuiltinOperator.SUB}) {
      for (int k : new int[] {0, 1, 3, 7, 12}) {
        for (boolean shiftFirst : new boolean[] {false, true}) {
          float so = (float) Math.pow(2, -10);
          Q kept = new Q(so, 0);
          Q shifted = new Q((float) Math.pow(2, -10 - k), 0);
          Q qa = shiftFirst ? shifted : kept;
          Q qb = shiftFirst ? kept : shifted;
          FusedActivation act = ACTS[n++ % ACTS.length];
          Table options = n % 2 == 0 ? options(op, act, true) : options(op, act, null);
          Model m = binary(op, options, DataType.INT16, new int[] {4096}, qa, new int[] {4096}, qb, kept);
          ORACLE.checkRandom(op + " int16 pot k=" + k + (shiftFirst ? " shifting input 0 " : " ") + act, m, n);
        }
      }
    }
  }

  /**
   * ADD and SUB int16 with pot_scale_int16 true, but scales that are not powers of two: 2.6.2 falls
   * back to the general path.
   */
  @Test
  void int16PotOptionFallsBackForOtherScales() {
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.ADD, BuiltinOperator.SUB}) {
      Model m = binary(op, options(op, FusedActivation.NONE, true), DataType.INT16, new int[] {4096},
          new Q(3e-4f, 0), new int[] {4096}, new Q(5e-4f, 0), new Q(7e-4f, 0));
      ORACLE.checkRandom(op + " int16 pot option, scales not powers of two", m, 7);
    }
  }

  @Test
  void int16Mul() {
    Random r = new Random(8);
    int n = 0;
    for (int set = 0; set < 8; set++) {
      Q qa = new Q(scale(r, 1e-5, 1e-3), 0);
      Q qb = new Q(scale(r, 1e-5, 1e-3), 0);
      Q qo = new Q(qa.scale * qb.scale * scale(r, 3000, 40000), 0);
      FusedActivation act = ACTS[n++ % ACTS.length];
      int[] sa = set % 2 == 0 ? new int[] {4096} : new int[] {64, 1};
      int[] sb = set % 2 == 0 ? new int[] {4096} : new int[] {1, 64};
      Model m = binary(BuiltinOperator.MUL, options(BuiltinOperator.MUL, act, null), DataType.INT16, sa, qa, sb, qb, qo);
      ORACLE.checkRandom("MUL int16 " + List.of(qa, qb, qo) + " " + act, m, n);
    }
  }

  @Test
  void int16MaximumMinimum() {
    for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM}) {
      Model m = binary(op, null, DataType.INT16, new int[] {3, 1, 40}, new Q(1e-3f, 0), new int[] {5, 1},
          new Q(1e-3f, 0), new Q(1e-3f, 0));
      ORACLE.checkRandom(op + " int16", m, 9);
    }
  }

  /** Activation bounds sitting exactly on a tie: 6 / s_out = k + 0.5 rounds away from zero. */
  @Test
  void activationBoundsOnTies() {
    // 6/4 = 1.5, 6/12 = 0.5, +-1/2 = +-0.5 exactly; in float 1/0.4f and 6/2.4f round to 2.5 too.
    // Half away from zero gives -1/2 -> -1 and -1/0.4f -> -3, where Java's Math.round gives 0 and -2.
    float[][] cases = {{4f, 0}, {12f, 0}, {2f, 0}, {2f, -3}, {0.4f, -3}, {2.4f, 1}};
    for (float[] c : cases) {
      for (FusedActivation act : new FusedActivation[] {FusedActivation.RELU6, FusedActivation.RELU_N1_TO_1}) {
        Q qo = new Q(c[0], (int) c[1]);
        Q qi = new Q(c[0] / 4, 0);
        allPairsCase(BuiltinOperator.ADD, options(BuiltinOperator.ADD, act, null), DataType.INT8, qi, qi, qo, true,
            "ADD tie bound " + qo + " " + act);
      }
    }
  }

  @Test
  void missingQuantizationIsInvalid() {
    ModelBuilder b = new ModelBuilder();
    Tensor x = b.input("a", DataType.INT8, 4);
    Tensor y = QuantizedOracle.input(b, "b", DataType.INT8, 0.1f, 0, 4);
    Tensor z = QuantizedOracle.tensor(b, "z", DataType.INT8, 0.1f, 0, 4);
    b.operator(BuiltinOperator.ADD, options(BuiltinOperator.ADD, FusedActivation.NONE, null), List.of(x, y),
        List.of(z));
    Model m = b.output(z).build();
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> Interpreter.create(m, InterpreterOptions.referenceKernels()));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("without quantization"), e.getMessage());
  }
}
