package dev.litequant.flatbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, schema-typed flatbuffer table value: operator options, sparsity parameters and the
 * other parts of a model that LiteQuant carries without giving them classes of their own.
 *
 * <p>Scalar fields always have a value (the schema default when the file omits them). Strings,
 * vectors, tables and unions are null when absent. Value classes by field type: {@code bool} ->
 * Boolean; {@code byte ubyte short ushort int} -> Integer; {@code uint long ulong} -> Long; {@code
 * float} -> Float; {@code double} -> Double; vectors -> {@code boolean[] byte[] short[] int[] long[]
 * float[] double[] String[]} or {@code List<Table>}; unions -> the member's Table.
 */
public final class Table {
  private final TableDef def;
  private final Object[] values;

  /** Takes ownership of {@code values}; callers in this package must not keep a reference. */
  Table(TableDef def, Object[] values) {
    this.def = def;
    this.values = values;
  }

  /** A table with every scalar at its schema default and every other field absent. */
  public static Table defaults(TableDef def) {
    Object[] values = new Object[def.fields().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = def.fields().get(i).defaultValue();
    }
    return new Table(def, values);
  }

  /** A table of the named type in the TensorFlow Lite schema, with defaults. */
  public static Table of(String tableName) {
    return defaults(TfLiteSchema.SCHEMA.table(tableName));
  }

  public TableDef def() {
    return def;
  }

  /** The table's type name, e.g. {@code Conv2DOptions}. */
  public String typeName() {
    return def.name();
  }

  /** The field's value (arrays are copied), or null when absent. */
  public Object get(String field) {
    return copyOut(values[index(field)]);
  }

  /** Whether a non-scalar field is present (scalars are always present). */
  public boolean has(String field) {
    return values[index(field)] != null;
  }

  public boolean getBool(String field) {
    return (Boolean) scalar(field, FieldType.BOOL);
  }

  /** An 8, 16 or 32-bit integer field (signed or unsigned, but not uint). */
  public int getInt(String field) {
    Object v = values[index(field)];
    if (!(v instanceof Integer i)) {
      throw new IllegalArgumentException(def.name() + "." + field + " is not an int field");
    }
    return i;
  }

  /** A uint, long or ulong field; int-sized fields are widened. */
  public long getLong(String field) {
    Object v = values[index(field)];
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException(def.name() + "." + field + " is not an integer field");
  }

  public float getFloat(String field) {
    return (Float) scalar(field, FieldType.FLOAT32);
  }

  public double getDouble(String field) {
    return (Double) scalar(field, FieldType.FLOAT64);
  }

  public String getString(String field) {
    return (String) values[index(field)];
  }

  public int[] getIntArray(String field) {
    int[] v = (int[]) values[index(field)];
    return v == null ? null : v.clone();
  }

  public long[] getLongArray(String field) {
    long[] v = (long[]) values[index(field)];
    return v == null ? null : v.clone();
  }

  public float[] getFloatArray(String field) {
    float[] v = (float[]) values[index(field)];
    return v == null ? null : v.clone();
  }

  public boolean[] getBoolArray(String field) {
    boolean[] v = (boolean[]) values[index(field)];
    return v == null ? null : v.clone();
  }

  public byte[] getBytes(String field) {
    byte[] v = (byte[]) values[index(field)];
    return v == null ? null : v.clone();
  }

  /** A read-only little-endian view of a byte vector, without copying; null when absent. */
  public ByteBuffer byteView(String field) {
    byte[] v = (byte[]) values[index(field)];
    return v == null ? null : ByteBuffer.wrap(v).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Length of a vector field, or -1 when absent. */
  public int vectorLength(String field) {
    Object v = values[index(field)];
    if (v == null) {
      return -1;
    }
    if (v instanceof List<?> l) {
      return l.size();
    }
    return java.lang.reflect.Array.getLength(v);
  }

  public Table getTable(String field) {
    return (Table) values[index(field)];
  }

  @SuppressWarnings("unchecked")
  public List<Table> getTables(String field) {
    return (List<Table>) values[index(field)];
  }

  /** A copy with one field replaced; {@code value} null removes a non-scalar field. */
  public Table with(String field, Object value) {
    int i = index(field);
    Object[] copy = values.clone();
    copy[i] = checkValue(def.fields().get(i), value);
    return new Table(def, copy);
  }

  /** Raw access for the codec: the stored value, not copied. */
  Object raw(int fieldIndex) {
    return values[fieldIndex];
  }

  private int index(String field) {
    int i = def.indexOf(field);
    if (i < 0) {
      throw new IllegalArgumentException("table " + def.name() + " has no field " + field);
    }
    return i;
  }

  private Object scalar(String field, FieldType expected) {
    int i = index(field);
    FieldType t = def.fields().get(i).type();
    if (t != expected) {
      throw new IllegalArgumentException(def.name() + "." + field + " is " + t + ", not " + expected);
    }
    return values[i];
  }

  private static Object copyOut(Object v) {
    if (v instanceof int[] a) {
      return a.clone();
    } else if (v instanceof long[] a) {
      return a.clone();
    } else if (v instanceof float[] a) {
      return a.clone();
    } else if (v instanceof double[] a) {
      return a.clone();
    } else if (v instanceof byte[] a) {
      return a.clone();
    } else if (v instanceof short[] a) {
      return a.clone();
    } else if (v instanceof boolean[] a) {
      return a.clone();
    } else if (v instanceof String[] a) {
      return a.clone();
    }
    return v;
  }

  /** Validates and normalises a value for a field, copying arrays in. */
  static Object checkValue(FieldDef f, Object value) {
    String where = f.name();
    if (value == null) {
      if (f.type().isScalar()) {
        return f.defaultValue();
      }
      return null;
    }
    switch (f.type()) {
      case BOOL:
        return require(value, Boolean.class, where);
      case INT8:
        return intInRange(value, -128, 127, where);
      case UINT8:
        return intInRange(value, 0, 255, where);
      case INT16:
        return intInRange(value, Short.MIN_VALUE, Short.MAX_VALUE, where);
      case UINT16:
        return intInRange(value, 0, 65535, where);
      case INT32:
        return intInRange(value, Integer.MIN_VALUE, Integer.MAX_VALUE, where);
      case UINT32: {
        long l = asLong(value, where);
        if (l < 0 || l > 0xFFFFFFFFL) {
          throw new IllegalArgumentException(where + ": " + l + " is out of range for uint");
        }
        return l;
      }
      case INT64:
      case UINT64:
        return asLong(value, where);
      case FLOAT32:
        return require(value, Float.class, where);
      case FLOAT64:
        return require(value, Double.class, where);
      case STRING:
        return require(value, String.class, where);
      case TABLE: {
        Table t = require(value, Table.class, where);
        if (!t.def.name().equals(f.refName())) {
          throw new IllegalArgumentException(where + " needs a " + f.refName() + ", got " + t.def.name());
        }
        return t;
      }
      case UNION: {
        Table t = require(value, Table.class, where);
        if (TfLiteSchema.SCHEMA.union(f.refName()).codeOf(t.def.name()) == 0) {
          throw new IllegalArgumentException(t.def.name() + " is not a member of union " + f.refName());
        }
        return t;
      }
      case VECTOR:
        return checkVector(f, value, where);
      default:
        throw new IllegalStateException(f.type().toString());
    }
  }

  private static Object checkVector(FieldDef f, Object value, String where) {
    switch (f.elementType()) {
      case BOOL:
        return require(value, boolean[].class, where).clone();
      case INT8:
      case UINT8:
        return require(value, byte[].class, where).clone();
      case INT16:
      case UINT16:
        return require(value, short[].class, where).clone();
      case INT32:
      case UINT32:
        return require(value, int[].class, where).clone();
      case INT64:
      case UINT64:
        return require(value, long[].class, where).clone();
      case FLOAT32:
        return require(value, float[].class, where).clone();
      case FLOAT64:
        return require(value, double[].class, where).clone();
      case STRING: {
        String[] a = require(value, String[].class, where).clone();
        for (String s : a) {
          Objects.requireNonNull(s, where + " element");
        }
        return a;
      }
      case TABLE: {
        List<?> list = require(value, List.class, where);
        List<Table> out = new ArrayList<>(list.size());
        for (Object o : list) {
          Table t = require(o, Table.class, where);
          if (!t.def.name().equals(f.refName())) {
            throw new IllegalArgumentException(where + " needs " + f.refName() + " elements, got " + t.def.name());
          }
          out.add(t);
        }
        return List.copyOf(out);
      }
      default:
        throw new IllegalStateException(f.elementType().toString());
    }
  }

  private static <T> T require(Object value, Class<T> type, String where) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          where + " needs a " + type.getSimpleName() + ", got " + value.getClass().getSimpleName());
    }
    return type.cast(value);
  }

  private static long asLong(Object value, String where) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException(where + " needs an integer, got " + value.getClass().getSimpleName());
  }

  private static Integer intInRange(Object value, long min, long max, String where) {
    long l = asLong(value, where);
    if (l < min || l > max) {
      throw new IllegalArgumentException(where + ": " + l + " is out of range [" + min + ", " + max + "]");
    }
    return (int) l;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Table other) || other.def != def) {
      return false;
    }
    return Arrays.deepEquals(values, other.values);
  }

  @Override
  public int hashCode() {
    return def.name().hashCode() * 31 + Arrays.deepHashCode(values);
  }

  /** A compact rendering listing the fields that differ from their defaults. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(def.name()).append('{');
    boolean first = true;
    for (int i = 0; i < values.length; i++) {
      FieldDef f = def.fields().get(i);
      Object v = values[i];
      if (v == null || (f.type().isScalar() && v.equals(f.defaultValue()))) {
        continue;
      }
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(f.name()).append('=').append(render(v));
    }
    return sb.append('}').toString();
  }

  private static String render(Object v) {
    if (v instanceof byte[] a) {
      return a.length > 16 ? "<" + a.length + " bytes>" : Arrays.toString(a);
    }
    if (v != null && v.getClass().isArray()) {
      String s = Arrays.deepToString(new Object[] {v});
      return s.substring(1, s.length() - 1);
    }
    return String.valueOf(v);
  }
}
