package dev.litequant.graph;

import java.util.Objects;

/** A named metadata entry of a model (e.g. {@code min_runtime_version}) and its buffer. */
public record Metadata(String name, Buffer buffer) {
  public Metadata {
    Objects.requireNonNull(buffer, "buffer");
  }
}
