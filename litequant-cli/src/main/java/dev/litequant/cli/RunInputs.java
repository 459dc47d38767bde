package dev.litequant.cli;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.Npy;
import dev.litequant.data.SampleStack;
import dev.litequant.runtime.Interpreter;
import dev.litequant.runtime.TensorSpec;
import dev.litequant.runtime.TensorValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --input} options of {@code litequant run} resolved against a model: one {@link
 * SampleStack} per model input, in input order, all holding the same number of samples. Every
 * problem (unknown or missing names, files given twice, wrong dtypes or shapes, unequal sample
 * counts) is a clear {@link InvalidArgumentException}.
 */
final class RunInputs {
  private final SampleStack[] stacks;
  private final Path[] files;

  private RunInputs(SampleStack[] stacks, Path[] files) {
    this.stacks = stacks;
    this.files = files;
  }

  static RunInputs load(Interpreter it, List<String> options) {
    int n = it.inputCount();
    if (n == 0 && !options.isEmpty()) {
      throw new InvalidArgumentException("The model takes no inputs, but --input " + options.get(0) + " was given.");
    }
    Path[] files = new Path[n];
    for (String option : options) {
      int index = inputIndex(it, option);
      Path file = Path.of(option.substring(nameLength(it, option)));
      if (files[index] != null) {
        throw new InvalidArgumentException("Input " + name(it, index) + " is given twice (" + files[index] + " and "
            + file + ").");
      }
      files[index] = file;
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (files[i] == null) {
        missing.add(name(it, i));
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidArgumentException("No file for input" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + (n == 1 ? ": give it with --input FILE.npy (" + it.input(0) + ")."
          : ": give each input as --input NAME=FILE.npy" + describeInputs(it) + "."));
    }
    SampleStack[] stacks = new SampleStack[n];
    for (int i = 0; i < n; i++) {
      stacks[i] = stack(it.input(i), files[i]);
      if (stacks[i].count() != stacks[0].count()) {
        throw new InvalidArgumentException("The inputs hold different numbers of samples: " + files[0] + " has "
            + stacks[0].count() + " (for " + name(it, 0) + "), " + files[i] + " has " + stacks[i].count()
            + " (for " + name(it, i) + "). Give every input the same number of samples.");
      }
    }
    return new RunInputs(stacks, files);
  }

  /** The input an option names; a bare file is allowed when the model has a single input. */
  private static int inputIndex(Interpreter it, String option) {
    int eq = option.indexOf('=');
    if (eq > 0 && nameLength(it, option) > 0) {
      return it.inputIndex(option.substring(0, eq));
    }
    if (it.inputCount() == 1 && (eq < 0 || Files.exists(Path.of(option)))) {
      return 0;
    }
    if (eq > 0) {
      // Reports the unknown name together with the model's input names.
      return it.inputIndex(option.substring(0, eq));
    }
    throw new InvalidArgumentException("The model has " + it.inputCount() + " inputs, so --input " + option
        + " must name the one it is for: --input NAME=FILE.npy" + describeInputs(it) + ".");
  }

  /** Characters of the option before the file: "NAME=" when NAME is an input of the model, else 0. */
  private static int nameLength(Interpreter it, String option) {
    int eq = option.indexOf('=');
    if (eq <= 0) {
      return 0;
    }
    String name = option.substring(0, eq);
    for (TensorSpec s : it.inputs()) {
      if (s.name().equals(name) || s.tensorName().equals(name)) {
        return eq + 1;
      }
    }
    return 0;
  }

  private static SampleStack stack(TensorSpec spec, Path file) {
    TensorValue data = Npy.read(file);
    if (data.type() != spec.type()) {
      throw new InvalidArgumentException("Input '" + spec.name() + "' takes " + spec.type().displayName()
          + " values, but " + file + " holds " + data.type().displayName() + " values: convert it, e.g. with "
          + "a.astype(np." + spec.type().displayName() + ").");
    }
    return SampleStack.split(data, spec.shape(), file + " (for input '" + spec.name() + "')");
  }

  private static String name(Interpreter it, int i) {
    return "'" + it.input(i).name() + "'";
  }

  private static String describeInputs(Interpreter it) {
    StringBuilder sb = new StringBuilder("; the model's inputs are ");
    for (int i = 0; i < it.inputCount(); i++) {
      TensorSpec s = it.input(i);
      sb.append(i > 0 ? ", " : "").append(s);
    }
    return sb.toString();
  }

  int sampleCount() {
    return stacks.length == 0 ? 1 : stacks[0].count();
  }

  /** Whether any file held several samples along its first axis (the outputs are then stacked). */
  boolean stacked() {
    for (SampleStack s : stacks) {
      if (s.isStacked()) {
        return true;
      }
    }
    return false;
  }

  TensorValue sample(int input, int i) {
    return stacks[input].sample(i);
  }

  Path file(int input) {
    return files[input];
  }
}
