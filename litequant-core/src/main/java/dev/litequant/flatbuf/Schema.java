package dev.litequant.flatbuf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flatbuffer schema held as data: tables and unions, looked up by name.
 *
 * <p>Tables are declared with compact field specifications, one per field in slot order:
 * {@code "name:type"}, optionally followed by {@code "=default"}, {@code " align=N"} and {@code "
 * deprecated"}. Types are the .fbs scalar names ({@code bool byte ubyte short ushort int uint long
 * ulong float double}), {@code string}, a table name, {@code [T]} for vectors and {@code
 * union:Name} for unions (which take two slots).
 */
public final class Schema {
  private final Map<String, TableDef> tables = new LinkedHashMap<>();
  private final Map<String, UnionDef> unions = new LinkedHashMap<>();

  /** Declares a table; fields are given in slot order. */
  public Schema addTable(String name, String... fieldSpecs) {
    List<FieldDef> fields = new ArrayList<>();
    int slot = 0;
    for (String spec : fieldSpecs) {
      FieldDef f = parseField(name, spec, slot);
      fields.add(f);
      slot += f.slotCount();
    }
    if (tables.put(name, new TableDef(name, fields)) != null) {
      throw new IllegalArgumentException("duplicate table " + name);
    }
    return this;
  }

  /** Declares a union; members are listed in type-code order starting at 1. */
  public Schema addUnion(String name, String... members) {
    if (unions.put(name, new UnionDef(name, List.of(members))) != null) {
      throw new IllegalArgumentException("duplicate union " + name);
    }
    return this;
  }

  public TableDef table(String name) {
    TableDef t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException("schema has no table " + name);
    }
    return t;
  }

  public UnionDef union(String name) {
    UnionDef u = unions.get(name);
    if (u == null) {
      throw new IllegalArgumentException("schema has no union " + name);
    }
    return u;
  }

  public Collection<TableDef> tables() {
    return tables.values();
  }

  public Collection<UnionDef> unions() {
    return unions.values();
  }

  /** Checks that every table or union a field refers to is declared. */
  public Schema checkReferences() {
    for (TableDef t : tables.values()) {
      for (FieldDef f : t.fields()) {
        boolean tableRef =
            f.type() == FieldType.TABLE
                || (f.type() == FieldType.VECTOR && f.elementType() == FieldType.TABLE);
        if (tableRef && !tables.containsKey(f.refName())) {
          throw new IllegalArgumentException(t.name() + "." + f.name() + " refers to unknown table " + f.refName());
        }
        if (f.type() == FieldType.UNION) {
          for (String m : union(f.refName()).members()) {
            table(m);
          }
        }
      }
    }
    return this;
  }

  private static FieldDef parseField(String table, String spec, int slot) {
    String[] words = spec.trim().split("\\s+");
    int colon = words[0].indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad field spec '" + spec + "' in " + table);
    }
    String name = words[0].substring(0, colon);
    String typeAndDefault = words[0].substring(colon + 1);
    String defaultText = null;
    int eq = typeAndDefault.indexOf('=');
    if (eq >= 0) {
      defaultText = typeAndDefault.substring(eq + 1);
      typeAndDefault = typeAndDefault.substring(0, eq);
    }
    int alignment = 0;
    boolean deprecated = false;
    for (int i = 1; i < words.length; i++) {
      if (words[i].equals("deprecated")) {
        deprecated = true;
      } else if (words[i].startsWith("align=")) {
        alignment = Integer.parseInt(words[i].substring(6));
      } else {
        throw new IllegalArgumentException("bad attribute '" + words[i] + "' in " + table);
      }
    }
    String type = typeAndDefault;
    if (type.startsWith("union:")) {
      return new FieldDef(name, slot, FieldType.UNION, null, type.substring(6), null, 0, deprecated);
    }
    if (type.startsWith("[") && type.endsWith("]")) {
      String element = type.substring(1, type.length() - 1);
      FieldType scalar = FieldType.parseScalar(element);
      if (scalar != null) {
        return new FieldDef(name, slot, FieldType.VECTOR, scalar, null, null, alignment, deprecated);
      }
      if (element.equals("string")) {
        return new FieldDef(name, slot, FieldType.VECTOR, FieldType.STRING, null, null, alignment, deprecated);
      }
      return new FieldDef(name, slot, FieldType.VECTOR, FieldType.TABLE, element, null, alignment, deprecated);
    }
    if (type.equals("string")) {
      return new FieldDef(name, slot, FieldType.STRING, null, null, null, 0, deprecated);
    }
    FieldType scalar = FieldType.parseScalar(type);
    if (scalar == null) {
      return new FieldDef(name, slot, FieldType.TABLE, null, type, null, 0, deprecated);
    }
    return new FieldDef(name, slot, scalar, null, null, parseDefault(scalar, defaultText), 0, deprecated);
  }

  private static Object parseDefault(FieldType type, String text) {
    return switch (type) {
      case BOOL -> text != null && Boolean.parseBoolean(text);
      case INT8, UINT8, INT16, UINT16, INT32 -> text == null ? 0 : Integer.parseInt(text);
      case UINT32, INT64, UINT64 -> text == null ? 0L : Long.parseLong(text);
      case FLOAT32 -> text == null ? 0f : Float.parseFloat(text);
      case FLOAT64 -> text == null ? 0d : Double.parseDouble(text);
      default -> throw new IllegalArgumentException("not a scalar: " + type);
    };
  }
}
