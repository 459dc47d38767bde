package dev.litequant.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * LiteQuant's in-memory form of a TensorFlow Lite model: subgraphs (the first is the main one),
 * signatures and metadata. Operator codes and buffer indices are not stored: they are derived from
 * the operators and from buffer identity when the model is written.
 */
public final class Model {
  /** The schema version written by current converters. */
  public static final long SCHEMA_VERSION = 3;

  private long version = SCHEMA_VERSION;
  private String description;
  private final List<Subgraph> subgraphs = new ArrayList<>();
  private final List<SignatureDef> signatures = new ArrayList<>();
  private final List<Metadata> metadata = new ArrayList<>();
  private final List<Buffer> metadataBuffers = new ArrayList<>();

  public long version() {
    return version;
  }

  public Model setVersion(long version) {
    this.version = version;
    return this;
  }

  /** The converter's description string (e.g. {@code MLIR Converted.}), or null. */
  public String description() {
    return description;
  }

  public Model setDescription(String description) {
    this.description = description;
    return this;
  }

  public List<Subgraph> subgraphs() {
    return subgraphs;
  }

  /** The main subgraph. */
  public Subgraph mainSubgraph() {
    if (subgraphs.isEmpty()) {
      throw new IllegalStateException("the model has no subgraphs");
    }
    return subgraphs.get(0);
  }

  public List<SignatureDef> signatures() {
    return signatures;
  }

  /** The signature with this key, or null. */
  public SignatureDef signature(String key) {
    for (SignatureDef s : signatures) {
      if (key.equals(s.key())) {
        return s;
      }
    }
    return null;
  }

  public List<Metadata> metadata() {
    return metadata;
  }

  /** The metadata entry with this name, or null. */
  public Metadata metadata(String name) {
    for (Metadata m : metadata) {
      if (name.equals(m.name())) {
        return m;
      }
    }
    return null;
  }

  /** Buffers listed by the deprecated {@code metadata_buffer} field. */
  public List<Buffer> metadataBuffers() {
    return metadataBuffers;
  }

  /** Index of a subgraph (by identity), or -1. */
  public int indexOf(Subgraph s) {
    for (int i = 0; i < subgraphs.size(); i++) {
      if (subgraphs.get(i) == s) {
        return i;
      }
    }
    return -1;
  }
}
