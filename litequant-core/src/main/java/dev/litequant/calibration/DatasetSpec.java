package dev.litequant.calibration;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.Npy;
import dev.litequant.data.Npz;
import dev.litequant.data.SampleStack;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A representative data set named on the command line: a {@code .npy} file (one-input models;
 * samples along the first axis), a {@code .npz} archive keyed by input name ({@code
 * SIGNATURE/INPUT} for models with several signatures), or {@code random:N} (N synthetic samples,
 * uniform in [0, 1), for trying the tool on a model without data).
 */
public final class DatasetSpec {
  private final RepresentativeDataset dataset;
  private final String description;
  private final boolean synthetic;
  private final int samples;

  private DatasetSpec(RepresentativeDataset dataset, String description, boolean synthetic, int samples) {
    this.dataset = dataset;
    this.description = description;
    this.synthetic = synthetic;
    this.samples = samples;
  }

  public RepresentativeDataset dataset() {
    return dataset;
  }

  /** For people: e.g. {@code 500 samples from digits.npy}. */
  public String description() {
    return description;
  }

  /** Whether the samples are made up ({@code random:N}). */
  public boolean isSynthetic() {
    return synthetic;
  }

  /** The total number of samples (over all signatures). */
  public int samples() {
    return samples;
  }

  /** One entry point of the model: its signature key (or null) and its inputs by name. */
  private record EntryPoint(String key, Map<String, Tensor> inputs) {}

  private static List<EntryPoint> entryPoints(Model model) {
    List<EntryPoint> out = new ArrayList<>();
    if (model.signatures().isEmpty()) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      for (Tensor t : model.mainSubgraph().inputs()) {
        inputs.put(t.name(), t);
      }
      out.add(new EntryPoint(null, inputs));
    } else {
      for (SignatureDef s : model.signatures()) {
        out.add(new EntryPoint(s.key(), s.inputs()));
      }
    }
    return out;
  }

  public static DatasetSpec parse(String spec, Model model) {
    if (spec.startsWith("random:")) {
      int n;
      try {
        n = Integer.parseInt(spec.substring(7));
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > 100_000) {
        throw new InvalidArgumentException("--data " + spec + ": random:N needs a sample count N from 1 to 100000.");
      }
      return random(model, n);
    }
    Path file = Path.of(spec);
    if (spec.endsWith(".npz")) {
      return fromNpz(model, Npz.read(file), file.getFileName().toString());
    }
    if (spec.endsWith(".npy")) {
      return fromNpy(model, Npy.read(file), file.getFileName().toString());
    }
    throw new InvalidArgumentException("--data " + spec + ": give a .npy file (one-input models), a .npz archive "
        + "keyed by input name, or random:N.");
  }

  private static DatasetSpec fromNpy(Model model, TensorValue data, String name) {
    List<EntryPoint> eps = entryPoints(model);
    if (eps.size() > 1 || eps.get(0).inputs().size() != 1) {
      throw new InvalidArgumentException(name + ": a .npy file can only feed a model with one input; this model has "
          + describe(eps) + ". Give a .npz archive keyed by input name"
          + (eps.size() > 1 ? " (SIGNATURE/INPUT)." : "."));
    }
    Map.Entry<String, Tensor> input = eps.get(0).inputs().entrySet().iterator().next();
    SampleStack stack = split(data, input.getValue(), name, input.getKey());
    Map<String, SampleStack> stacks = Map.of(input.getKey(), stack);
    return new DatasetSpec(named(eps.get(0).key(), stacks, stack.count()), stack.count() + " samples from " + name,
        false, stack.count());
  }

  private static DatasetSpec fromNpz(Model model, Map<String, TensorValue> arrays, String name) {
    List<EntryPoint> eps = entryPoints(model);
    boolean multi = eps.size() > 1;
    Map<String, Iterable<Map<String, TensorValue>>> perSignature = new LinkedHashMap<>();
    Map<String, TensorValue> unused = new LinkedHashMap<>(arrays);
    int total = 0;
    Iterable<Map<String, TensorValue>> single = null;
    for (EntryPoint ep : eps) {
      Map<String, SampleStack> stacks = new LinkedHashMap<>();
      int count = -1;
      for (Map.Entry<String, Tensor> input : ep.inputs().entrySet()) {
        String key = multi ? ep.key() + "/" + input.getKey() : input.getKey();
        TensorValue v = unused.remove(key);
        if (v == null && !multi) {
          v = unused.remove(input.getValue().name());
        }
        if (v == null) {
          throw new InvalidArgumentException(name + " has no array '" + key + "' for " + (multi ? "signature '"
              + ep.key() + "' input '" + input.getKey() + "'" : "input '" + input.getKey() + "'") + "; it has "
              + arrays.keySet() + ".");
        }
        SampleStack s = split(v, input.getValue(), name, key);
        if (count >= 0 && s.count() != count) {
          throw new InvalidArgumentException(name + ": array '" + key + "' holds " + s.count() + " samples, but the "
              + "other inputs" + (multi ? " of signature '" + ep.key() + "'" : "") + " hold " + count + ".");
        }
        count = s.count();
        stacks.put(input.getKey(), s);
      }
      total += count;
      Iterable<Map<String, TensorValue>> samples = samples(stacks, count);
      if (multi) {
        perSignature.put(ep.key(), samples);
      } else {
        single = samples;
      }
    }
    if (!unused.isEmpty()) {
      throw new InvalidArgumentException(name + " has arrays the model has no input for: " + unused.keySet()
          + "; the model's inputs are " + describe(eps) + ".");
    }
    RepresentativeDataset ds = multi ? RepresentativeDataset.perSignature(perSignature)
        : RepresentativeDataset.ofNamedSamples(single);
    return new DatasetSpec(ds, total + " samples from " + name, false, total);
  }

  private static SampleStack split(TensorValue data, Tensor input, String file, String key) {
    if (data.type() != input.type()) {
      throw new InvalidArgumentException(file + ": array '" + key + "' is " + data.type().displayName()
          + ", but the input takes " + input.type().displayName() + " (convert it, e.g. x.astype(np."
          + input.type().displayName() + ")).");
    }
    return SampleStack.split(data, input.shape(), file + " (for input '" + key + "')");
  }

  private static RepresentativeDataset named(String signature, Map<String, SampleStack> stacks, int count) {
    java.util.Collection<Map<String, TensorValue>> samples = samples(stacks, count);
    return signature == null ? RepresentativeDataset.ofNamedSamples(samples)
        : RepresentativeDataset.perSignature(Map.of(signature, samples));
  }

  /** Sample i of every stack, keyed by input name, produced lazily. */
  private static java.util.Collection<Map<String, TensorValue>> samples(Map<String, SampleStack> stacks, int count) {
    Iterable<Map<String, TensorValue>> samples = () -> new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public Map<String, TensorValue> next() {
        if (i >= count) {
          throw new NoSuchElementException();
        }
        Map<String, TensorValue> m = new LinkedHashMap<>();
        int k = i++;
        stacks.forEach((name, s) -> m.put(name, s.sample(k)));
        return m;
      }
    };
    return sized(samples, count);
  }

  /** A lazily produced collection whose size is known (for progress reports). */
  private static <T> java.util.Collection<T> sized(Iterable<T> items, int size) {
    return new java.util.AbstractCollection<>() {
      @Override
      public Iterator<T> iterator() {
        return items.iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private static DatasetSpec random(Model model, int n) {
    List<EntryPoint> eps = entryPoints(model);
    Map<String, Iterable<Map<String, TensorValue>>> perSignature = new LinkedHashMap<>();
    for (EntryPoint ep : eps) {
      Iterable<Map<String, TensorValue>> samples = () -> new Iterator<>() {
        final Random r = new Random(42);
        int i;

        @Override
        public boolean hasNext() {
          return i < n;
        }

        @Override
        public Map<String, TensorValue> next() {
          if (i++ >= n) {
            throw new NoSuchElementException();
          }
          Map<String, TensorValue> m = new LinkedHashMap<>();
          ep.inputs().forEach((name, t) -> m.put(name, randomValue(t, r)));
          return m;
        }
      };
      perSignature.put(ep.key() == null ? "" : ep.key(), sized(samples, n));
    }
    RepresentativeDataset ds = eps.size() == 1 && eps.get(0).key() == null
        ? RepresentativeDataset.ofNamedSamples(perSignature.get(""))
        : eps.size() == 1 ? RepresentativeDataset.perSignature(Map.of(eps.get(0).key(), perSignature.get(eps.get(0).key())))
        : RepresentativeDataset.perSignature(perSignature);
    return new DatasetSpec(ds, n + " synthetic samples (uniform in [0, 1))", true, n * eps.size());
  }

  private static TensorValue randomValue(Tensor t, Random r) {
    int n = (int) t.shape().elementCount();
    if (t.type() == DataType.FLOAT32) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = r.nextFloat();
      }
      return TensorValue.ofFloats(t.shape(), v);
    }
    // Integer inputs (indices, token ids) get zeros: any other value may be out of range.
    return TensorValue.fromBytes(t.type(), t.shape(), new byte[(int) t.type().bytesFor(n)]);
  }

  private static String describe(List<EntryPoint> eps) {
    List<String> parts = new ArrayList<>();
    for (EntryPoint ep : eps) {
      List<String> inputs = new ArrayList<>();
      ep.inputs().forEach((k, t) -> inputs.add("'" + (eps.size() > 1 ? ep.key() + "/" : "") + k + "' "
          + t.type().displayName() + t.shape()));
      parts.add(String.join(", ", inputs));
    }
    return String.join("; ", parts);
  }
}
