package dev.litequant.calibration;

import dev.litequant.InvalidArgumentException;
import dev.litequant.util.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What calibration observed: a {@link TensorRange} for every float tensor of every calibrated
 * subgraph, keyed by subgraph and tensor index. Plain data, written to and read from JSON, so that
 * calibration can be saved, inspected, merged or replaced by other methods without touching the
 * quantizer.
 */
public final class CalibrationStats {
  /** A tensor: its subgraph index and its index in that subgraph's tensor list. */
  public record Key(int subgraph, int tensor) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return subgraph != o.subgraph ? Integer.compare(subgraph, o.subgraph) : Integer.compare(tensor, o.tensor);
    }
  }

  private final Map<Key, TensorRange> ranges;
  private final Map<Key, String> names;

  public CalibrationStats(Map<Key, TensorRange> ranges, Map<Key, String> names) {
    this.ranges = Collections.unmodifiableMap(new TreeMap<>(ranges));
    this.names = Collections.unmodifiableMap(new TreeMap<>(names));
  }

  /** The range of a tensor, or null when calibration did not see it. */
  public TensorRange range(int subgraph, int tensor) {
    return ranges.get(new Key(subgraph, tensor));
  }

  public Map<Key, TensorRange> ranges() {
    return ranges;
  }

  /** The tensor name recorded with a range (for people reading the JSON). */
  public String name(Key key) {
    return names.get(key);
  }

  /** Whether any subgraph of the given index was calibrated. */
  public boolean covers(int subgraph) {
    return ranges.keySet().stream().anyMatch(k -> k.subgraph() == subgraph);
  }

  public String toJson() {
    List<Object> tensors = new ArrayList<>();
    ranges.forEach((k, r) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subgraph", k.subgraph());
      m.put("tensor", k.tensor());
      m.put("name", names.get(k));
      m.put("min", r.min());
      m.put("max", r.max());
      m.put("samples", r.samples());
      m.put("non_finite", r.nonFinite());
      tensors.add(m);
    });
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("method", "global min/max");
    root.put("tensors", tensors);
    return Json.write(root);
  }

  private static final Pattern ENTRY = Pattern.compile(
      "\\{\\s*\"subgraph\":\\s*(\\d+),\\s*\"tensor\":\\s*(\\d+),\\s*\"name\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|null),"
          + "\\s*\"min\":\\s*([-0-9.eE+]+),\\s*\"max\":\\s*([-0-9.eE+]+),\\s*\"samples\":\\s*(\\d+),"
          + "\\s*\"non_finite\":\\s*(\\d+)\\s*}");

  /** Reads what {@link #toJson()} wrote. */
  public static CalibrationStats fromJson(String json) {
    Map<Key, TensorRange> ranges = new LinkedHashMap<>();
    Map<Key, String> names = new LinkedHashMap<>();
    Matcher m = ENTRY.matcher(json);
    while (m.find()) {
      Key k = new Key(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      ranges.put(k, new TensorRange(Float.parseFloat(m.group(4)), Float.parseFloat(m.group(5)),
          Integer.parseInt(m.group(6)), Long.parseLong(m.group(7))));
      String name = m.group(3);
      if (!name.equals("null")) {
        names.put(k, name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
    }
    if (ranges.isEmpty() && json.contains("\"tensors\"") && !json.matches("(?s).*\"tensors\":\\s*\\[\\s*].*")) {
      throw new InvalidArgumentException("The calibration statistics are not in the form LiteQuant writes.");
    }
    return new CalibrationStats(ranges, names);
  }
}
