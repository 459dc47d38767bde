package dev.litequant.runtime;

import dev.litequant.InvalidArgumentException;
import dev.litequant.UnsupportedModelException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.ModelValidator;
import dev.litequant.graph.Operator;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Subgraph;
import dev.litequant.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteQuant's own TensorFlow Lite interpreter: runs one subgraph of a model in pure Java.
 *
 * <p>Creating it checks every operator and reports all the unsupported ones in one error, computes
 * every tensor's shape, evaluates the operators whose inputs are all constant once (as TensorFlow
 * Lite does for constant DEQUANTIZE), and plans memory so that tensors with disjoint lifetimes
 * share arrays. An {@link TensorObserver} can watch every tensor as it is computed.
 *
 * <p>Not thread-safe: use one interpreter per thread.
 */
public final class Interpreter {
  private final Subgraph graph;
  private final RuntimeTensor[] tensors;
  private final RuntimeTensor[] inputs;
  private final RuntimeTensor[] outputs;
  private final TensorSpec[] inputSpecs;
  private final TensorSpec[] outputSpecs;
  private final Kernel[] kernels;
  private final RuntimeTensor[][] operatorOutputs;
  private final List<RuntimeTensor> variables = new ArrayList<>();
  private final List<Object> variableInitialValues = new ArrayList<>();
  private final boolean fastKernels;
  private final long plannedElements;
  private TensorObserver observer;

  private Interpreter(Model model, int subgraphIndex, SignatureDef signature, InterpreterOptions options) {
    ModelValidator.validate(model);
    this.graph = model.subgraphs().get(subgraphIndex);
    this.fastKernels = options.kernels().usesFastKernels();
    Map<Tensor, RuntimeTensor> byTensor = new IdentityHashMap<>();
    tensors = new RuntimeTensor[graph.tensors().size()];
    for (int i = 0; i < tensors.length; i++) {
      Tensor t = graph.tensors().get(i);
      RuntimeTensor rt = new RuntimeTensor(t, i);
      tensors[i] = rt;
      byTensor.put(t, rt);
      if (rt.kind() != null && t.isConstant() && t.sparsity() == null && t.type() != DataType.INT4) {
        rt.bind(ConstantData.decode(t, rt.kind(), rt.size()));
        if (t.isVariable()) {
          variables.add(rt);
          variableInitialValues.add(copyOf(rt));
        } else {
          rt.markKnown();
        }
      } else if (rt.kind() != null && t.isVariable()) {
        rt.bind(rt.kind().allocate(Math.max(1, rt.size())));
        variables.add(rt);
        variableInitialValues.add(copyOf(rt));
      }
    }
    // Empty tensors that no operator writes (e.g. an empty axis list, stored without a buffer)
    // hold no values, so they are as fixed as constants.
    java.util.Set<Tensor> produced = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Operator op : graph.operators()) {
      produced.addAll(op.outputs());
    }
    for (RuntimeTensor rt : tensors) {
      if (rt.kind() != null && rt.size() == 0 && !rt.isBound() && !produced.contains(rt.tensor())
          && !graph.inputs().contains(rt.tensor())) {
        rt.bind(rt.kind().allocate(1));
        rt.markKnown();
      }
    }
    inputs = map(graph.inputs(), byTensor);
    outputs = map(graph.outputs(), byTensor);

    kernels = new Kernel[graph.operators().size()];
    operatorOutputs = new RuntimeTensor[kernels.length][];
    Map<String, List<Integer>> unsupported = new LinkedHashMap<>();
    for (int i = 0; i < kernels.length; i++) {
      Operator op = graph.operators().get(i);
      List<RuntimeTensor> in = new ArrayList<>();
      for (Tensor t : op.inputs()) {
        in.add(t == null ? null : byTensor.get(t));
      }
      List<RuntimeTensor> out = new ArrayList<>();
      for (Tensor t : op.outputs()) {
        out.add(byTensor.get(t));
      }
      operatorOutputs[i] = out.toArray(new RuntimeTensor[0]);
      String problem = prepare(op, i, subgraphIndex, in, out, options.kernels());
      if (problem != null) {
        unsupported.computeIfAbsent(op.displayName() + " v" + op.version() + ": " + problem, k -> new ArrayList<>()).add(i);
      }
    }
    if (!unsupported.isEmpty()) {
      throw unsupportedError(unsupported);
    }
    // After preparation: output shapes are the computed ones, not the file's hints.
    inputSpecs = specs(inputs, signature == null ? null : signature.inputs());
    outputSpecs = specs(outputs, signature == null ? null : signature.outputs());
    plannedElements = planMemory();
  }

  /** An interpreter for the main subgraph (subgraph 0), with the default kernels. */
  public static Interpreter create(Model model) {
    return create(model, InterpreterOptions.defaults());
  }

  /** An interpreter for the main subgraph. */
  public static Interpreter create(Model model, InterpreterOptions options) {
    if (model.subgraphs().isEmpty()) {
      throw new InvalidArgumentException("The model has no subgraphs to run.");
    }
    SignatureDef signature = null;
    for (SignatureDef s : model.signatures()) {
      if (s.subgraph() == model.subgraphs().get(0)) {
        signature = s;
        break;
      }
    }
    return new Interpreter(model, 0, signature, options);
  }

  /** An interpreter for a named signature; inputs and outputs take the signature's names. */
  public static Interpreter forSignature(Model model, String key, InterpreterOptions options) {
    SignatureDef s = model.signature(key);
    if (s == null) {
      List<String> keys = model.signatures().stream().map(SignatureDef::key).toList();
      throw new InvalidArgumentException("The model has no signature '" + key + "'"
          + (keys.isEmpty() ? "; it has no signatures at all." : "; it has " + keys + "."));
    }
    return new Interpreter(model, model.indexOf(s.subgraph()), s, options);
  }

  private String prepare(Operator op, int index, int subgraphIndex, List<RuntimeTensor> in,
      List<RuntimeTensor> out, KernelRegistry registry) {
    KernelRegistry.Entry entry = registry.lookup(op);
    if (entry == null) {
      return op.isCustom() ? "custom operators have no kernel" : "no kernel for this operator";
    }
    if (op.version() > entry.maxVersion()) {
      return "version " + op.version() + " is newer than LiteQuant supports (up to v" + entry.maxVersion() + ")";
    }
    for (RuntimeTensor t : in) {
      if (t != null && t.kind() == null) {
        return "input " + t + " has a type the interpreter cannot hold";
      }
      if (t != null && t.tensor().isConstant() && !t.isBound()) {
        return "input " + t + " is stored in a form the interpreter cannot read (sparse or int4)";
      }
    }
    for (RuntimeTensor t : out) {
      if (t.kind() == null) {
        return "output " + t + " has a type the interpreter cannot hold";
      }
    }
    Kernel kernel;
    OpContext ctx = new OpContext(op, index, subgraphIndex, in, out);
    try {
      kernel = entry.factory().create(ctx);
    } catch (UnsupportedOperatorException e) {
      return e.reason();
    }
    kernels[index] = kernel;
    if (ctx.isShapeOnly() || foldable(op, in)) {
      for (RuntimeTensor t : out) {
        t.bind(t.kind().allocate(Math.max(1, t.size())));
      }
      kernel.run();
      for (RuntimeTensor t : out) {
        t.markKnown();
      }
      kernels[index] = null;
    }
    return null;
  }

  /** An operator whose inputs are all fixed computes the same outputs every time: run it once. */
  private static boolean foldable(Operator op, List<RuntimeTensor> in) {
    if (op.mutatingVariableInputs() != null || in.stream().allMatch(t -> t == null)) {
      return false;
    }
    for (RuntimeTensor t : in) {
      if (t != null && !t.isKnown()) {
        return false;
      }
    }
    return true;
  }

  private long planMemory() {
    int n = graph.operators().size();
    int[] first = new int[tensors.length];
    int[] last = new int[tensors.length];
    Arrays.fill(first, Integer.MIN_VALUE);
    Arrays.fill(last, -1);
    for (RuntimeTensor t : inputs) {
      first[t.index()] = -1;
      last[t.index()] = Integer.MAX_VALUE;
    }
    for (int i = 0; i < n; i++) {
      Operator op = graph.operators().get(i);
      for (Tensor t : op.inputs()) {
        if (t != null) {
          int k = graph.indexOf(t);
          last[k] = Math.max(last[k], i);
        }
      }
      for (RuntimeTensor t : operatorOutputs[i]) {
        if (first[t.index()] == Integer.MIN_VALUE) {
          first[t.index()] = i;
        }
        last[t.index()] = Math.max(last[t.index()], i);
      }
    }
    for (RuntimeTensor t : outputs) {
      last[t.index()] = Integer.MAX_VALUE;
    }
    List<MemoryPlanner.Request> requests = new ArrayList<>();
    for (RuntimeTensor t : tensors) {
      if (t.kind() == null || t.isBound()) {
        continue;
      }
      int f = first[t.index()];
      if (f == Integer.MIN_VALUE) {
        // Read but never written (or not used at all): give it zeros of its own.
        requests.add(new MemoryPlanner.Request(t, -1, Integer.MAX_VALUE));
      } else {
        requests.add(new MemoryPlanner.Request(t, f, last[t.index()]));
      }
    }
    requests.sort((a, b) -> Integer.compare(a.first(), b.first()));
    MemoryPlanner planner = new MemoryPlanner();
    planner.plan(requests);
    return planner.totalElements();
  }

  private static UnsupportedModelException unsupportedError(Map<String, List<Integer>> unsupported) {
    int count = unsupported.values().stream().mapToInt(List::size).sum();
    StringBuilder sb = new StringBuilder("LiteQuant's interpreter cannot run ").append(count)
        .append(count == 1 ? " operator" : " operators").append(" of this model: ");
    boolean first = true;
    for (Map.Entry<String, List<Integer>> e : unsupported.entrySet()) {
      if (!first) {
        sb.append("; ");
      }
      first = false;
      List<Integer> ops = e.getValue();
      sb.append(e.getKey()).append(ops.size() == 1 ? " (operator " : " (operators ");
      sb.append(ops.size() > 8 ? ops.subList(0, 8) + "..." : ops.toString().replaceAll("[\\[\\]]", "")).append(')');
    }
    return new UnsupportedModelException(sb.append('.').toString());
  }

  private static RuntimeTensor[] map(List<Tensor> list, Map<Tensor, RuntimeTensor> byTensor) {
    RuntimeTensor[] out = new RuntimeTensor[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = byTensor.get(list.get(i));
    }
    return out;
  }

  private static TensorSpec[] specs(RuntimeTensor[] list, Map<String, Tensor> aliases) {
    TensorSpec[] out = new TensorSpec[list.length];
    for (int i = 0; i < out.length; i++) {
      Tensor t = list[i].tensor();
      String name = t.name();
      if (aliases != null) {
        for (Map.Entry<String, Tensor> e : aliases.entrySet()) {
          if (e.getValue() == t) {
            name = e.getKey();
            break;
          }
        }
      }
      out[i] = new TensorSpec(name, t.name(), t.type(), list[i].shapeDescription(), t.quantization());
    }
    return out;
  }

  private static Object copyOf(RuntimeTensor t) {
    Object src = t.data();
    Object copy = t.kind().allocate(StorageKind.length(src));
    System.arraycopy(src, 0, copy, 0, StorageKind.length(src));
    return copy;
  }

  public int inputCount() {
    return inputs.length;
  }

  public int outputCount() {
    return outputs.length;
  }

  public TensorSpec input(int i) {
    return inputSpecs[i];
  }

  public TensorSpec output(int i) {
    return outputSpecs[i];
  }

  public List<TensorSpec> inputs() {
    return List.of(inputSpecs);
  }

  public List<TensorSpec> outputs() {
    return List.of(outputSpecs);
  }

  /** Index of the input with this signature or tensor name. */
  public int inputIndex(String name) {
    return indexOf(inputSpecs, name, "input");
  }

  /** Index of the output with this signature or tensor name. */
  public int outputIndex(String name) {
    return indexOf(outputSpecs, name, "output");
  }

  private static int indexOf(TensorSpec[] specs, String name, String what) {
    for (int i = 0; i < specs.length; i++) {
      if (specs[i].name().equals(name)) {
        return i;
      }
    }
    for (int i = 0; i < specs.length; i++) {
      if (specs[i].tensorName().equals(name)) {
        return i;
      }
    }
    throw new InvalidArgumentException("The model has no " + what + " named '" + name + "'; its " + what + "s are "
        + Arrays.stream(specs).map(s -> "'" + s.name() + "'").toList() + ".");
  }

  /** Sets input {@code i}; its type must match and its element count equal the input's. */
  public void setInput(int i, TensorValue value) {
    TensorSpec spec = inputSpecs[i];
    RuntimeTensor t = inputs[i];
    if (value.type() != spec.type()) {
      throw new InvalidArgumentException("Input " + spec + " takes " + spec.type().displayName()
          + " values, but " + value.type().displayName() + " values were given.");
    }
    if (value.size() != t.size()) {
      throw new InvalidArgumentException("Input " + spec + " takes " + t.size() + " values (shape " + spec.shape()
          + "), but the value given has shape " + value.shape() + " (" + value.size() + " values).");
    }
    value.copyInto(t.data());
  }

  public void setInput(String name, TensorValue value) {
    setInput(inputIndex(name), value);
  }

  /** Copies float values into a float32 input without allocating (for calibration loops). */
  public void setInputFloats(int i, float[] values) {
    RuntimeTensor t = inputs[i];
    if (t.type() != DataType.FLOAT32) {
      throw new InvalidArgumentException("Input " + inputSpecs[i] + " is not float32.");
    }
    if (values.length != t.size()) {
      throw new InvalidArgumentException("Input " + inputSpecs[i] + " takes " + t.size() + " values, got "
          + values.length + ".");
    }
    System.arraycopy(values, 0, t.floats(), 0, values.length);
  }

  /** A copy of output {@code i} after {@link #invoke()}. */
  public TensorValue getOutput(int i) {
    return snapshot(outputs[i]);
  }

  public TensorValue getOutput(String name) {
    return getOutput(outputIndex(name));
  }

  static TensorValue snapshot(RuntimeTensor t) {
    Object copy = t.kind().allocate(t.size());
    System.arraycopy(t.data(), 0, copy, 0, t.size());
    return TensorValue.adopt(t.type(), t.shapeDescription(), copy);
  }

  /** A copy of any tensor's current values, by its view (e.g. inside an observer). */
  public static TensorValue snapshot(TensorView view) {
    return snapshot((RuntimeTensor) view);
  }

  /** Runs the subgraph on the inputs set. */
  public void invoke() {
    TensorObserver obs = observer;
    if (obs != null) {
      for (RuntimeTensor t : inputs) {
        obs.observe(-1, t);
      }
    }
    for (int i = 0; i < kernels.length; i++) {
      Kernel k = kernels[i];
      if (k != null) {
        k.run();
      }
      if (obs != null) {
        for (RuntimeTensor t : operatorOutputs[i]) {
          obs.observe(i, t);
        }
      }
    }
  }

  /** Sets the inputs by name, runs, and returns every output by name. */
  public Map<String, TensorValue> run(Map<String, TensorValue> namedInputs) {
    if (namedInputs.size() != inputs.length) {
      throw new InvalidArgumentException("The model takes " + inputs.length + " inputs "
          + Arrays.stream(inputSpecs).map(s -> "'" + s.name() + "'").toList() + ", but " + namedInputs.size()
          + " were given.");
    }
    namedInputs.forEach(this::setInput);
    invoke();
    Map<String, TensorValue> out = new LinkedHashMap<>();
    for (int i = 0; i < outputs.length; i++) {
      out.put(outputSpecs[i].name(), getOutput(i));
    }
    return out;
  }

  /** Watches every tensor from now on; null removes the observer. */
  public void setObserver(TensorObserver observer) {
    this.observer = observer;
  }

  /** Restores stateful (variable) tensors such as LSTM states to their initial values. */
  public void resetVariables() {
    for (int i = 0; i < variables.size(); i++) {
      Object init = variableInitialValues.get(i);
      System.arraycopy(init, 0, variables.get(i).data(), 0, StorageKind.length(init));
    }
  }

  /** The subgraph this interpreter runs. */
  public Subgraph subgraph() {
    return graph;
  }

  /** Whether fast (Vector API) kernels are in use. */
  public boolean usesFastKernels() {
    return fastKernels;
  }

  /** Elements of the arrays allocated for computed tensors, after sharing. */
  public long plannedElements() {
    return plannedElements;
  }
}
