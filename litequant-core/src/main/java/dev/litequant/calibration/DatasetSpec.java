package dev.litequant.calibration;

import dev.litequant.InvalidArgumentException;
import dev.litequant.data.ImagePreprocessing;
import dev.litequant.data.InputSamples;
import dev.litequant.data.LabelsFile;
import dev.litequant.data.Npy;
import dev.litequant.data.Npz;
import dev.litequant.data.SampleFolder;
import dev.litequant.data.SampleStack;
import dev.litequant.graph.Model;
import dev.litequant.graph.SignatureDef;
import dev.litequant.graph.Tensor;
import dev.litequant.runtime.TensorValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * A data set named on the command line, for calibration ({@link #dataset()}) and for evaluation
 * ({@link #mainSamples()} with {@link #labels()}):
 *
 * <ul>
 *   <li>{@code FILE.npy}: one-input models; samples along the first axis.
 *   <li>{@code FILE.npz}: arrays keyed by input name ({@code SIGNATURE/INPUT} for models with
 *       several signatures).
 *   <li>A folder of PNG, JPEG or BMP images, or of 16-bit PCM mono WAV files, directly or in one
 *       subfolder per class (the subfolders give the labels), or a single such file: one-input
 *       models (see {@link SampleFolder}).
 *   <li>{@code random:N}: N synthetic samples, uniform in [0, 1), for trying the tool on a model
 *       without data.
 * </ul>
 *
 * <p>Labels come from a labels file ({@link LabelsFile}: one integer per line, for the samples in
 * order), from a {@code labels.txt} inside a flat data folder when no labels file is given, or from
 * the class subfolders. A folder's files are decoded one at a time, when their sample is asked for.
 */
public final class DatasetSpec {
  private final List<Entry> entries;
  private final Entry main;
  private final String description;
  private final boolean synthetic;
  private final int[] labels;
  private final List<String> warnings;

  private DatasetSpec(List<Entry> entries, String description, boolean synthetic, int[] labels,
      List<String> warnings) {
    this.entries = List.copyOf(entries);
    this.main = entries.stream().filter(Entry::isMain).findFirst().orElse(null);
    this.description = description;
    this.synthetic = synthetic;
    this.labels = labels;
    this.warnings = List.copyOf(warnings);
  }

  /** The samples for calibration, produced lazily (every signature the data set covers). */
  public RepresentativeDataset dataset() {
    if (entries.size() == 1 && entries.get(0).signature == null) {
      return RepresentativeDataset.ofNamedSamples(iterate(entries.get(0)));
    }
    Map<String, Collection<Map<String, TensorValue>>> perSignature = new LinkedHashMap<>();
    for (Entry e : entries) {
      perSignature.put(e.signature, iterate(e));
    }
    return RepresentativeDataset.perSignature(perSignature);
  }

  /** For people: e.g. {@code 500 samples from digits.npy} or {@code 11 images from mnist_images}. */
  public String description() {
    return description;
  }

  /** Whether the samples are made up ({@code random:N}). */
  public boolean isSynthetic() {
    return synthetic;
  }

  /** The total number of samples (over all signatures). */
  public int samples() {
    return entries.stream().mapToInt(Entry::count).sum();
  }

  /**
   * One label per sample of {@link #mainSamples()}, in the same order; null when the data set has
   * no labels.
   */
  public int[] labels() {
    return labels == null ? null : labels.clone();
  }

  /**
   * Things worth telling the user that did not stop loading (WAV files padded or cut, empty class
   * folders); the library never prints them itself.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The samples of the model's main subgraph (subgraph 0), in order, for evaluation: sample {@code
   * i} lists one value per input of the main subgraph, in its input order (as {@code
   * Interpreter.setInput(index, value)} and {@code Evaluator.evaluate} take them), and has label
   * {@code labels()[i]}. Each {@code get} produces its sample afresh (a folder's image is decoded
   * then), so the list holds no data: iterate it rather than keep its elements.
   */
  public List<List<TensorValue>> mainSamples() {
    return new MainSamples(requireMain());
  }

  /** For people: where main sample {@code i} comes from (a file's path, or "sample i"). */
  public String sampleName(int i) {
    return requireMain().name(i);
  }

  private Entry requireMain() {
    if (main == null) {
      throw new InvalidArgumentException("The data set has samples for the signatures "
          + entries.stream().map(e -> e.signature).toList() + ", none of which runs the model's main subgraph "
          + "(subgraph 0) with all its inputs.");
    }
    return main;
  }

  // --- Parsing ------------------------------------------------------------------------------------

  /** Parses {@code spec} with default image preprocessing and no labels file. */
  public static DatasetSpec parse(String spec, Model model) {
    return parse(spec, model, null, null);
  }

  /**
   * Parses {@code spec} for {@code model}. {@code preprocessing} applies to images (null: raw 0..255
   * values) and is an error for other data; {@code labelsFile} (or null) gives one label per sample
   * of the main entry point.
   */
  public static DatasetSpec parse(String spec, Model model, ImagePreprocessing preprocessing, Path labelsFile) {
    if (spec.startsWith("random:")) {
      noPreprocessing(preprocessing, spec);
      if (labelsFile != null) {
        throw new InvalidArgumentException("--labels " + labelsFile + " cannot label made-up samples (--data " + spec
            + ").");
      }
      return random(model, randomCount(spec));
    }
    Path path = Path.of(spec);
    if (spec.endsWith(".npz")) {
      noPreprocessing(preprocessing, spec);
      return fromNpz(model, Npz.read(path), path.getFileName().toString()).withLabelsFile(labelsFile, spec);
    }
    if (spec.endsWith(".npy")) {
      noPreprocessing(preprocessing, spec);
      return fromNpy(model, Npy.read(path), path.getFileName().toString()).withLabelsFile(labelsFile, spec);
    }
    if (SampleFolder.accepts(path)) {
      return fromFolder(model, path, preprocessing, labelsFile);
    }
    throw new InvalidArgumentException("--data " + spec + ": " + (Files.exists(path) ? "" : "no such file or folder; ")
        + "give a .npy file (one-input models), a .npz archive keyed by input name, a folder of images (PNG, JPEG, "
        + "BMP) or WAV files, or random:N.");
  }

  private static int randomCount(String spec) {
    int n;
    try {
      n = Integer.parseInt(spec.substring(7));
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 100_000) {
      throw new InvalidArgumentException("--data " + spec + ": random:N needs a sample count N from 1 to 100000.");
    }
    return n;
  }

  private static void noPreprocessing(ImagePreprocessing preprocessing, String spec) {
    if (preprocessing != null) {
      throw new InvalidArgumentException("--scale, --mean and --std apply to images, but --data " + spec
          + " holds arrays" + (spec.startsWith("random:") ? " made up" : "") + ", which are used as they are.");
    }
  }

  /** This data set with the labels in {@code file} (null: as it is), one per main sample. */
  private DatasetSpec withLabelsFile(Path file, String spec) {
    if (file == null) {
      return this;
    }
    int[] read = LabelsFile.read(file);
    LabelsFile.requireCount(read, requireMain().count(), file.toString(), spec);
    return new DatasetSpec(entries, description, false, read, warnings);
  }

  /**
   * One entry point of the model: its signature key (or null) and its inputs by name; for the main
   * subgraph's entry point, also its input names in the subgraph's input order (else null).
   */
  private record EntryPoint(String key, Map<String, Tensor> inputs, List<String> mainOrder) {
    boolean isMain() {
      return mainOrder != null;
    }
  }

  private static List<EntryPoint> entryPoints(Model model) {
    List<EntryPoint> out = new ArrayList<>();
    List<Tensor> mainInputs = model.mainSubgraph().inputs();
    if (model.signatures().isEmpty()) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      for (Tensor t : mainInputs) {
        inputs.put(t.name(), t);
      }
      out.add(new EntryPoint(null, inputs, List.copyOf(inputs.keySet())));
    } else {
      boolean mainFound = false;
      for (SignatureDef s : model.signatures()) {
        List<String> order = !mainFound && s.subgraph() == model.mainSubgraph() ? order(s.inputs(), mainInputs)
            : null;
        mainFound |= order != null;
        out.add(new EntryPoint(s.key(), s.inputs(), order));
      }
    }
    return out;
  }

  /** The names of {@code tensors} in {@code named}, in that order; null if one has no name there. */
  private static List<String> order(Map<String, Tensor> named, List<Tensor> tensors) {
    List<String> out = new ArrayList<>();
    for (Tensor t : tensors) {
      String name = named.entrySet().stream().filter(e -> e.getValue() == t).map(Map.Entry::getKey).findFirst()
          .orElse(null);
      if (name == null) {
        return null;
      }
      out.add(name);
    }
    return out.size() == named.size() ? out : null;
  }

  private static EntryPoint oneInput(Model model, String what) {
    List<EntryPoint> eps = entryPoints(model);
    if (eps.size() > 1 || eps.get(0).inputs().size() != 1) {
      throw new InvalidArgumentException(what + " can only feed a model with one input; this model has "
          + describe(eps) + ". Give a .npz archive keyed by input name" + (eps.size() > 1 ? " (SIGNATURE/INPUT)."
          : "."));
    }
    return eps.get(0);
  }

  private static DatasetSpec fromFolder(Model model, Path path, ImagePreprocessing preprocessing, Path labelsFile) {
    String what = Files.isDirectory(path) ? "A data folder (" + path + ")" : path.getFileName().toString();
    EntryPoint ep = oneInput(model, what);
    Map.Entry<String, Tensor> input = ep.inputs().entrySet().iterator().next();
    SampleFolder folder = SampleFolder.load(path, input.getValue(), input.getKey(), preprocessing);
    InputSamples samples = folder.samples();
    Entry entry = new Entry(ep.key(), ep.mainOrder(), Map.of(input.getKey(), samples), samples.count());
    int[] labels = folder.classLabels();
    if (labels != null && labelsFile != null) {
      throw new InvalidArgumentException("--labels " + labelsFile + " was given, but the data folder " + path
          + " has one subfolder per class, which give the labels: give one or the other.");
    }
    // A labels file named on the command line wins over the folder's own labels.txt.
    Path file = labelsFile != null ? labelsFile : folder.labelsFile();
    DatasetSpec spec = new DatasetSpec(List.of(entry), folder.description(), false, labels, folder.warnings());
    return spec.withLabelsFile(file, path.toString());
  }

  private static DatasetSpec fromNpy(Model model, TensorValue data, String name) {
    EntryPoint ep = oneInput(model, name + ": a .npy file");
    Map.Entry<String, Tensor> input = ep.inputs().entrySet().iterator().next();
    SampleStack stack = split(data, input.getValue(), name, input.getKey());
    Entry entry = new Entry(ep.key(), ep.mainOrder(), Map.of(input.getKey(), stack), stack.count());
    return new DatasetSpec(List.of(entry), stack.count() + " samples from " + name, false, null, List.of());
  }

  private static DatasetSpec fromNpz(Model model, Map<String, TensorValue> arrays, String name) {
    List<EntryPoint> eps = entryPoints(model);
    boolean multi = eps.size() > 1;
    List<Entry> entries = new ArrayList<>();
    Map<String, TensorValue> unused = new LinkedHashMap<>(arrays);
    int total = 0;
    for (EntryPoint ep : eps) {
      Map<String, InputSamples> stacks = new LinkedHashMap<>();
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
      entries.add(new Entry(ep.key(), ep.mainOrder(), stacks, count));
    }
    if (!unused.isEmpty()) {
      throw new InvalidArgumentException(name + " has arrays the model has no input for: " + unused.keySet()
          + "; the model's inputs are " + describe(eps) + ".");
    }
    return new DatasetSpec(entries, total + " samples from " + name, false, null, List.of());
  }

  private static SampleStack split(TensorValue data, Tensor input, String file, String key) {
    if (data.type() != input.type()) {
      throw new InvalidArgumentException(file + ": array '" + key + "' is " + data.type().displayName()
          + ", but the input takes " + input.type().displayName() + " (convert it, e.g. x.astype(np."
          + input.type().displayName() + ")).");
    }
    return SampleStack.split(data, input.shape(), file + " (for input '" + key + "')");
  }

  private static DatasetSpec random(Model model, int n) {
    List<Entry> entries = new ArrayList<>();
    for (EntryPoint ep : entryPoints(model)) {
      entries.add(new Entry(ep.key(), ep.mainOrder(), SyntheticInputs.of(ep.inputs(), n), n));
    }
    return new DatasetSpec(entries, n + " synthetic samples (uniform in [0, 1))", true, null, List.of());
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

  // --- Samples ------------------------------------------------------------------------------------

  /** The samples of one entry point: sample i of every input, keyed by input name. */
  private static final class Entry {
    final String signature;
    /** For the main subgraph's entry point: its input names in input order; else null. */
    final List<String> mainOrder;
    final Map<String, InputSamples> inputs;
    final int count;

    Entry(String signature, List<String> mainOrder, Map<String, InputSamples> inputs, int count) {
      this.signature = signature;
      this.mainOrder = mainOrder;
      this.inputs = inputs;
      this.count = count;
    }

    boolean isMain() {
      return mainOrder != null;
    }

    int count() {
      return count;
    }

    Map<String, TensorValue> sample(int i) {
      Map<String, TensorValue> m = new LinkedHashMap<>();
      inputs.forEach((name, s) -> m.put(name, s.sample(i)));
      return m;
    }

    String name(int i) {
      return inputs.size() == 1 ? inputs.values().iterator().next().sampleName(i) : "sample " + i;
    }
  }

  /** The entry's samples in order, produced one by one; its size is known (for progress reports). */
  private static Collection<Map<String, TensorValue>> iterate(Entry e) {
    return new AbstractCollection<>() {
      @Override
      public Iterator<Map<String, TensorValue>> iterator() {
        return new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < e.count;
          }

          @Override
          public Map<String, TensorValue> next() {
            if (i >= e.count) {
              throw new NoSuchElementException();
            }
            return e.sample(i++);
          }
        };
      }

      @Override
      public int size() {
        return e.count;
      }
    };
  }

  /** The main entry point's samples as lists in input order, each produced when asked for. */
  private static final class MainSamples extends AbstractList<List<TensorValue>> implements RandomAccess {
    private final Entry entry;

    MainSamples(Entry entry) {
      this.entry = entry;
    }

    @Override
    public List<TensorValue> get(int i) {
      if (i < 0 || i >= entry.count) {
        throw new IndexOutOfBoundsException("sample " + i + " of " + entry.count);
      }
      List<TensorValue> values = new ArrayList<>(entry.mainOrder.size());
      for (String name : entry.mainOrder) {
        values.add(entry.inputs.get(name).sample(i));
      }
      return values;
    }

    @Override
    public int size() {
      return entry.count;
    }
  }
}
