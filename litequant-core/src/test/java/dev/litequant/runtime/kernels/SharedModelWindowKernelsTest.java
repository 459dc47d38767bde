package dev.litequant.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.Model;
import dev.litequant.graph.Operator;
import dev.litequant.io.ModelReader;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.InterpreterOptions;
import dev.litequant.runtime.OracleComparison;
import dev.litequant.testing.SharedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The real models in {@code ../shared/models} that use pooling, reduction, softmax-family, resize
 * or transpose-convolution operators, run against TensorFlow Lite 2.6.2 on random inputs.
 */
class SharedModelWindowKernelsTest {
  private static final KernelOracle ORACLE = new KernelOracle("shared models with window/reduction operators");
  private static final Set<BuiltinOperator> OURS = EnumSet.of(BuiltinOperator.AVERAGE_POOL_2D,
      BuiltinOperator.MAX_POOL_2D, BuiltinOperator.L2_POOL_2D, BuiltinOperator.MEAN, BuiltinOperator.SUM,
      BuiltinOperator.REDUCE_PROD, BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN,
      BuiltinOperator.REDUCE_ANY, BuiltinOperator.REDUCE_ALL, BuiltinOperator.ARG_MAX, BuiltinOperator.ARG_MIN,
      BuiltinOperator.SOFTMAX, BuiltinOperator.LOG_SOFTMAX, BuiltinOperator.L2_NORMALIZATION,
      BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, BuiltinOperator.RESIZE_BILINEAR,
      BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, BuiltinOperator.TRANSPOSE_CONV);
  private static final List<String> NOTES = new ArrayList<>();

  @AfterAll
  static void summary() {
    System.out.println(ORACLE.summary());
    NOTES.forEach(n -> System.out.println("  not compared: " + n));
  }

  @Test
  void singleOperatorModels() {
    for (String name : new String[] {"single_max_pool_2d", "single_mean", "single_sum", "single_reduce_min",
        "single_resize_bilinear", "single_resize_nearest_neighbor", "single_conv2d_transpose_bias"}) {
      Model m = ModelReader.read(SharedModels.path("ai-edge-quantizer/" + name + ".tflite"));
      for (long seed = 1; seed <= 3; seed++) {
        ORACLE.check(name + " seed " + seed, m, OracleComparison.randomInputs(m, seed, -1f, 1f));
      }
    }
  }

  /** Every other shared model with one of these operators that LiteQuant can run in full. */
  @Test
  void otherModelsUsingTheseOperators() {
    int before = ORACLE.models();
    for (Path p : SharedModels.allTflite()) {
      String name = SharedModels.name(p);
      if (name.contains("/single_")) {
        continue;
      }
      Model m;
      try {
        m = ModelReader.read(p);
      } catch (RuntimeException e) {
        continue; // the reader's own tests cover unreadable files
      }
      if (m.mainSubgraph().operators().stream().map(Operator::type).noneMatch(OURS::contains)) {
        continue;
      }
      try {
        Interpreter.create(m, InterpreterOptions.referenceKernels());
      } catch (UnsupportedModelException e) {
        NOTES.add(name + ": " + e.getMessage());
        continue;
      }
      ORACLE.check(name, m, OracleComparison.randomInputs(m, 11, -1f, 1f));
    }
    assertTrue(ORACLE.models() > before || !NOTES.isEmpty(), "no other shared model uses these operators");
  }
}
