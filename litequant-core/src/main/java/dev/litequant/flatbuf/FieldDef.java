package dev.litequant.flatbuf;

import java.util.Objects;

/**
 * One field of a flatbuffer table.
 *
 * @param name the schema name (snake_case, as in the .fbs file)
 * @param slot the vtable slot; a union occupies {@code slot} (its type) and {@code slot + 1}
 * @param type the wire type
 * @param elementType for vectors: the element type (a scalar, {@link FieldType#STRING} or {@link
 *     FieldType#TABLE}); otherwise null
 * @param refName for tables and vectors of tables: the table name; for unions: the union name
 * @param defaultValue for scalars: the schema default (Boolean, Integer, Long, Float or Double)
 * @param alignment for vectors: the minimum alignment of the element data (force_align)
 * @param deprecated whether the schema marks the field deprecated (it still takes a slot)
 */
public record FieldDef(
    String name,
    int slot,
    FieldType type,
    FieldType elementType,
    String refName,
    Object defaultValue,
    int alignment,
    boolean deprecated) {

  public FieldDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  /** Number of vtable slots the field takes. */
  public int slotCount() {
    return type == FieldType.UNION ? 2 : 1;
  }
}
