package dev.litequant.flatbuf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The layout of one flatbuffer table: its fields in slot order. */
public final class TableDef {
  private final String name;
  private final List<FieldDef> fields;
  private final Map<String, Integer> indexByName = new HashMap<>();
  private final int slotCount;

  TableDef(String name, List<FieldDef> fields) {
    this.name = name;
    this.fields = List.copyOf(fields);
    int slots = 0;
    for (int i = 0; i < this.fields.size(); i++) {
      FieldDef f = this.fields.get(i);
      if (indexByName.put(f.name(), i) != null) {
        throw new IllegalArgumentException("duplicate field " + f.name() + " in " + name);
      }
      slots = Math.max(slots, f.slot() + f.slotCount());
    }
    this.slotCount = slots;
  }

  public String name() {
    return name;
  }

  public List<FieldDef> fields() {
    return fields;
  }

  /** The number of vtable slots this schema knows for the table. */
  public int slotCount() {
    return slotCount;
  }

  /** Index of the named field in {@link #fields()}, or -1. */
  public int indexOf(String fieldName) {
    Integer i = indexByName.get(fieldName);
    return i == null ? -1 : i;
  }

  public FieldDef field(String fieldName) {
    int i = indexOf(fieldName);
    if (i < 0) {
      throw new IllegalArgumentException("table " + name + " has no field " + fieldName);
    }
    return fields.get(i);
  }

  @Override
  public String toString() {
    return name;
  }
}
