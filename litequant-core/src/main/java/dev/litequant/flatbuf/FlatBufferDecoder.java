package dev.litequant.flatbuf;

import dev.litequant.ModelFormatException;
import dev.litequant.UnsupportedModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a flatbuffer into {@link Table} values, driven by a {@link Schema}, verifying every offset,
 * length and vtable against the bytes as it goes.
 *
 * <p>A hostile file can only produce a {@link ModelFormatException} (or an {@link
 * UnsupportedModelException} for fields newer than the schema): every read is bounds-checked, and
 * the total amount decoded is capped by a budget proportional to the file size, so offsets that
 * alias the same large vector many times cannot exhaust memory.
 */
public final class FlatBufferDecoder {
  /** Bytes decoded per byte of input before the file is judged to alias its own data. */
  private static final int BUDGET_FACTOR = 4;
  private static final int MIN_TABLE_CHARGE = 16;

  private final ByteBuffer bb;
  private final int limit;
  private final Schema schema;
  private long budget;

  private FlatBufferDecoder(byte[] bytes, Schema schema) {
    this.bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    this.limit = bytes.length;
    this.schema = schema;
    this.budget = (long) BUDGET_FACTOR * bytes.length + (1 << 20);
  }

  /**
   * Decodes the root table of {@code bytes}.
   *
   * @param identifier the 4-character file identifier to require, or null to skip the check
   */
  public static Table decode(byte[] bytes, Schema schema, String rootTable, String identifier) {
    FlatBufferDecoder d = new FlatBufferDecoder(bytes, schema);
    if (bytes.length < 8) {
      throw new ModelFormatException(
          "Not a TensorFlow Lite model: the file is only " + bytes.length
              + " bytes long, too short to hold a flatbuffer header (at least 8 bytes).");
    }
    if (identifier != null) {
      String found = printable(bytes, 4, 4);
      if (!found.equals(identifier)) {
        throw new ModelFormatException(
            "Not a TensorFlow Lite model: the flatbuffer file identifier (bytes 4-7) is '" + found
                + "', expected '" + identifier + "'.");
      }
    }
    Loc root = new Loc(null, rootTable, -1);
    int rootPos = d.deref(0, root, "root table offset");
    return d.readTable(schema.table(rootTable), rootPos, root);
  }

  private Table readTable(TableDef def, int pos, Loc loc) {
    if (pos < 0 || (long) pos + 4 > limit) {
      throw malformed(loc, pos, "a " + def.name() + " table starts outside the file");
    }
    long vtable = (long) pos - bb.getInt(pos);
    if (vtable < 0 || vtable + 4 > limit) {
      throw malformed(loc, pos, "the vtable of a " + def.name() + " table lies outside the file");
    }
    int vt = (int) vtable;
    int vtSize = u16(vt);
    int tableSize = u16(vt + 2);
    if (vtSize < 4 || (vtSize & 1) != 0 || (long) vt + vtSize > limit) {
      throw malformed(loc, vt, "the vtable of a " + def.name() + " table has an invalid size " + vtSize);
    }
    if (tableSize < 4 || (long) pos + tableSize > limit) {
      throw malformed(loc, pos, "a " + def.name() + " table of " + tableSize + " bytes runs past the end of the file");
    }
    charge(Math.max(tableSize, MIN_TABLE_CHARGE), loc, pos);
    int slots = (vtSize - 4) / 2;
    for (int slot = def.slotCount(); slot < slots; slot++) {
      if (u16(vt + 4 + 2 * slot) != 0) {
        throw new UnsupportedModelException(
            "The model sets field #" + slot + " of a " + def.name() + " table (at " + loc
                + "), which is newer than the TensorFlow Lite schema LiteQuant knows (" + def.slotCount()
                + " fields). LiteQuant refuses to rewrite a model whose fields it would drop.");
      }
    }
    Frame frame = new Frame(def, pos, vt, slots, tableSize, loc);
    Object[] values = new Object[def.fields().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = readField(frame, def.fields().get(i));
    }
    return new Table(def, values);
  }

  private record Frame(TableDef def, int pos, int vt, int slots, int tableSize, Loc loc) {}

  /** Absolute position of the field in the file, or -1 when the vtable does not set it. */
  private int fieldPos(Frame t, int slot, int width, String name) {
    if (slot >= t.slots) {
      return -1;
    }
    int off = u16(t.vt + 4 + 2 * slot);
    if (off == 0) {
      return -1;
    }
    if (off + width > t.tableSize) {
      throw malformed(t.loc, t.pos, "field " + name + " of a " + t.def.name() + " table lies outside its table");
    }
    return t.pos + off;
  }

  private Object readField(Frame t, FieldDef f) {
    if (f.type() == FieldType.UNION) {
      return readUnion(t, f);
    }
    int p = fieldPos(t, f.slot(), f.type().width(), f.name());
    if (p < 0) {
      return f.type().isScalar() ? f.defaultValue() : null;
    }
    Loc loc = new Loc(t.loc, f.name(), -1);
    return switch (f.type()) {
      case STRING -> readString(deref(p, loc, f.name()), loc);
      case TABLE -> readTable(schema.table(f.refName()), deref(p, loc, f.name()), loc);
      case VECTOR -> readVector(f, deref(p, loc, f.name()), loc);
      default -> readScalar(f.type(), p);
    };
  }

  private Object readUnion(Frame t, FieldDef f) {
    int typePos = fieldPos(t, f.slot(), 1, f.name() + "_type");
    int type = typePos < 0 ? 0 : bb.get(typePos) & 0xFF;
    if (type == 0) {
      return null;
    }
    UnionDef union = schema.union(f.refName());
    Loc loc = new Loc(t.loc, f.name(), -1);
    if (type > union.members().size()) {
      throw new UnsupportedModelException(
          "The model uses " + f.name() + " type " + type + " at " + loc + ", but the "
              + union.name() + " union LiteQuant knows has only " + union.members().size()
              + " members; the model was written by a newer TensorFlow Lite schema.");
    }
    int valuePos = fieldPos(t, f.slot() + 1, 4, f.name());
    if (valuePos < 0) {
      return null;
    }
    TableDef member = schema.table(union.members().get(type - 1));
    return readTable(member, deref(valuePos, loc, f.name()), loc);
  }

  private Object readScalar(FieldType type, int p) {
    return switch (type) {
      case BOOL -> bb.get(p) != 0;
      case INT8 -> (int) bb.get(p);
      case UINT8 -> bb.get(p) & 0xFF;
      case INT16 -> (int) bb.getShort(p);
      case UINT16 -> bb.getShort(p) & 0xFFFF;
      case INT32 -> bb.getInt(p);
      case UINT32 -> bb.getInt(p) & 0xFFFFFFFFL;
      case INT64, UINT64 -> bb.getLong(p);
      case FLOAT32 -> bb.getFloat(p);
      case FLOAT64 -> bb.getDouble(p);
      default -> throw new IllegalStateException(type.toString());
    };
  }

  private String readString(int p, Loc loc) {
    int len = vectorLength(p, 1, loc, "string");
    charge(len, loc, p);
    return new String(bytesAt(p + 4, len), StandardCharsets.UTF_8);
  }

  private Object readVector(FieldDef f, int p, Loc loc) {
    FieldType et = f.elementType();
    int len = vectorLength(p, et.width(), loc, "vector");
    charge((long) len * et.width(), loc, p);
    int base = p + 4;
    switch (et) {
      case BOOL: {
        boolean[] a = new boolean[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.get(base + i) != 0;
        }
        return a;
      }
      case INT8:
      case UINT8:
        return bytesAt(base, len);
      case INT16:
      case UINT16: {
        short[] a = new short[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.getShort(base + 2 * i);
        }
        return a;
      }
      case INT32:
      case UINT32: {
        int[] a = new int[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.getInt(base + 4 * i);
        }
        return a;
      }
      case INT64:
      case UINT64: {
        long[] a = new long[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.getLong(base + 8 * i);
        }
        return a;
      }
      case FLOAT32: {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.getFloat(base + 4 * i);
        }
        return a;
      }
      case FLOAT64: {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) {
          a[i] = bb.getDouble(base + 8 * i);
        }
        return a;
      }
      case STRING: {
        String[] a = new String[len];
        for (int i = 0; i < len; i++) {
          Loc el = new Loc(loc.parent, loc.name, i);
          a[i] = readString(deref(base + 4 * i, el, f.name()), el);
        }
        return a;
      }
      case TABLE: {
        TableDef def = schema.table(f.refName());
        List<Table> a = new ArrayList<>(len);
        for (int i = 0; i < len; i++) {
          Loc el = new Loc(loc.parent, loc.name, i);
          a.add(readTable(def, deref(base + 4 * i, el, f.name()), el));
        }
        return List.copyOf(a);
      }
      default:
        throw new IllegalStateException(et.toString());
    }
  }

  /** Reads a vector's element count at {@code p} and checks that its elements fit in the file. */
  private int vectorLength(int p, int elementWidth, Loc loc, String what) {
    if ((long) p + 4 > limit) {
      throw malformed(loc, p, "a " + what + " length lies outside the file");
    }
    long len = bb.getInt(p) & 0xFFFFFFFFL;
    long end = (long) p + 4 + len * elementWidth;
    if (end > limit) {
      throw malformed(loc, p, "a " + what + " claims " + len + " elements, which run past the end of the file");
    }
    return (int) len;
  }

  /** Follows the unsigned offset stored at {@code p}. */
  private int deref(int p, Loc loc, String what) {
    if (p < 0 || (long) p + 4 > limit) {
      throw malformed(loc, p, "the offset of " + what + " lies outside the file");
    }
    long target = p + (bb.getInt(p) & 0xFFFFFFFFL);
    if (target + 4 > limit) {
      throw malformed(loc, p, "the offset of " + what + " points outside the file (to byte " + target + ")");
    }
    return (int) target;
  }

  private byte[] bytesAt(int p, int len) {
    byte[] a = new byte[len];
    bb.get(p, a, 0, len);
    return a;
  }

  private int u16(int p) {
    return bb.getShort(p) & 0xFFFF;
  }

  private void charge(long bytes, Loc loc, int p) {
    budget -= bytes;
    if (budget < 0) {
      throw malformed(loc, p,
          "the file decodes to far more data than it holds (its offsets point at the same data again and again)");
    }
  }

  private ModelFormatException malformed(Loc loc, long offset, String what) {
    return new ModelFormatException(
        "Malformed model file: " + what + " (at " + loc + ", byte offset " + offset + " of " + limit
            + "). The file is truncated, corrupted, or not a TensorFlow Lite model.");
  }

  private static String printable(byte[] b, int from, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + len; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }

  /** A position in the table tree, for messages: {@code Model.subgraphs[0].operators[3]}. */
  private static final class Loc {
    final Loc parent;
    final String name;
    final int index;

    Loc(Loc parent, String name, int index) {
      this.parent = parent;
      this.name = name;
      this.index = index;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      append(sb);
      return sb.toString();
    }

    private void append(StringBuilder sb) {
      if (parent != null) {
        parent.append(sb);
        sb.append('.');
      }
      sb.append(name);
      if (index >= 0) {
        sb.append('[').append(index).append(']');
      }
    }
  }
}
