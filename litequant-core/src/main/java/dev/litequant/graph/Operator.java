package dev.litequant.graph;

import dev.litequant.flatbuf.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One operator of a subgraph. Its input, output and intermediate lists are live and mutable; a
 * null input stands for an omitted optional input (index -1 in the file).
 */
public final class Operator {
  private int builtinCode;
  private String customCode;
  private int version = 1;
  private final List<Tensor> inputs = new ArrayList<>();
  private final List<Tensor> outputs = new ArrayList<>();
  private final List<Tensor> intermediates = new ArrayList<>();
  private Table options;
  private Table options2;
  private byte[] customOptions;
  private int customOptionsFormat;
  private boolean[] mutatingVariableInputs;

  private Operator(int builtinCode, String customCode) {
    this.builtinCode = builtinCode;
    this.customCode = customCode;
  }

  /** A builtin operator. */
  public static Operator of(BuiltinOperator type) {
    return new Operator(type.code(), null);
  }

  /** An operator by raw builtin code, possibly one newer than LiteQuant knows. */
  public static Operator ofCode(int builtinCode, String customCode) {
    return new Operator(builtinCode, customCode);
  }

  /** A custom operator. */
  public static Operator custom(String customCode) {
    return new Operator(BuiltinOperator.CUSTOM.code(), Objects.requireNonNull(customCode));
  }

  /** A copy with the same tensors (not copied), options and version. */
  public Operator copy() {
    Operator o = new Operator(builtinCode, customCode);
    o.version = version;
    o.inputs.addAll(inputs);
    o.outputs.addAll(outputs);
    o.intermediates.addAll(intermediates);
    o.options = options;
    o.options2 = options2;
    o.customOptions = customOptions;
    o.customOptionsFormat = customOptionsFormat;
    o.mutatingVariableInputs = mutatingVariableInputs;
    return o;
  }

  /** The builtin operator, or null when the code is newer than LiteQuant's schema. */
  public BuiltinOperator type() {
    return BuiltinOperator.fromCode(builtinCode);
  }

  public boolean is(BuiltinOperator type) {
    return builtinCode == type.code();
  }

  public int builtinCode() {
    return builtinCode;
  }

  /** The custom code of a CUSTOM operator (also kept if a file sets it on a builtin), else null. */
  public String customCode() {
    return customCode;
  }

  public boolean isCustom() {
    return builtinCode == BuiltinOperator.CUSTOM.code();
  }

  /** A readable name: {@code CONV_2D}, {@code CUSTOM:SignalFft} or {@code BUILTIN_230}. */
  public String displayName() {
    if (isCustom()) {
      return "CUSTOM:" + customCode;
    }
    BuiltinOperator t = type();
    return t == null ? "BUILTIN_" + builtinCode : t.name();
  }

  public int version() {
    return version;
  }

  public Operator setVersion(int version) {
    if (version < 1) {
      throw new IllegalArgumentException("operator version must be >= 1, got " + version);
    }
    this.version = version;
    return this;
  }

  public List<Tensor> inputs() {
    return inputs;
  }

  public List<Tensor> outputs() {
    return outputs;
  }

  public List<Tensor> intermediates() {
    return intermediates;
  }

  /** The input at {@code index}, or null when absent or omitted. */
  public Tensor input(int index) {
    return index < inputs.size() ? inputs.get(index) : null;
  }

  public Tensor output(int index) {
    return outputs.get(index);
  }

  public Operator addInput(Tensor t) {
    inputs.add(t);
    return this;
  }

  public Operator addOutput(Tensor t) {
    outputs.add(Objects.requireNonNull(t));
    return this;
  }

  /** The builtin options table (e.g. {@code Conv2DOptions}), or null. */
  public Table options() {
    return options;
  }

  public Operator setOptions(Table options) {
    this.options = options;
    return this;
  }

  /** The second builtin options table (StableHLO operators), or null. */
  public Table options2() {
    return options2;
  }

  public Operator setOptions2(Table options2) {
    this.options2 = options2;
    return this;
  }

  /** Opaque options of a custom operator (usually a FlexBuffer), or null. */
  public byte[] customOptions() {
    return customOptions == null ? null : customOptions.clone();
  }

  public Operator setCustomOptions(byte[] customOptions) {
    this.customOptions = customOptions == null ? null : customOptions.clone();
    return this;
  }

  public int customOptionsFormat() {
    return customOptionsFormat;
  }

  public Operator setCustomOptionsFormat(int format) {
    this.customOptionsFormat = format;
    return this;
  }

  /** Which inputs the operator mutates (stateful RNN/LSTM), or null. */
  public boolean[] mutatingVariableInputs() {
    return mutatingVariableInputs == null ? null : mutatingVariableInputs.clone();
  }

  public Operator setMutatingVariableInputs(boolean[] flags) {
    this.mutatingVariableInputs = flags == null ? null : flags.clone();
    return this;
  }

  @Override
  public String toString() {
    return displayName() + " v" + version;
  }
}
