package dev.litequant.flatbuf;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.litequant.UnsupportedModelException;
import java.util.List;

/**
 * Writes a {@link Table} tree as a flatbuffer. Scalars equal to their schema default are omitted,
 * as flatbuffers does; vectors honour the schema's {@code force_align}; equal strings are stored once.
 */
public final class FlatBufferEncoder {
  private static final int[] SCALAR_WIDTHS_LARGEST_FIRST = {8, 4, 2, 1};

  private final FlatBufferBuilder builder;

  private FlatBufferEncoder(int sizeHint) {
    this.builder = new FlatBufferBuilder(Math.max(1024, sizeHint));
  }

  /**
   * Encodes {@code root} with the given 4-character file identifier.
   *
   * @param sizeHint expected output size in bytes, to avoid regrowing the buffer
   */
  public static byte[] encode(Table root, String identifier, int sizeHint) {
    FlatBufferEncoder e = new FlatBufferEncoder(sizeHint);
    try {
      int rootOffset = e.writeTable(root);
      e.builder.finish(rootOffset, identifier);
      return e.builder.sizedByteArray();
    } catch (AssertionError | OutOfMemoryError tooLarge) {
      // flatbuffers-java signals its 2 GB limit with an AssertionError.
      throw new UnsupportedModelException(
          "The model is too large to write as a single flatbuffer (the format is limited to 2 GB): "
              + tooLarge.getMessage());
    }
  }

  private int writeTable(Table t) {
    TableDef def = t.def();
    List<FieldDef> fields = def.fields();
    int[] offsets = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      FieldDef f = fields.get(i);
      Object v = t.raw(i);
      if (v == null || f.type().isScalar()) {
        continue;
      }
      offsets[i] = switch (f.type()) {
        case STRING -> builder.createSharedString((String) v);
        case TABLE, UNION -> writeTable((Table) v);
        case VECTOR -> writeVector(f, v);
        default -> throw new IllegalStateException(f.type().toString());
      };
    }
    builder.startTable(def.slotCount());
    for (int width : SCALAR_WIDTHS_LARGEST_FIRST) {
      for (int i = 0; i < fields.size(); i++) {
        FieldDef f = fields.get(i);
        if (f.type().isScalar() && f.type().width() == width) {
          addScalar(f, t.raw(i));
        }
      }
    }
    for (int i = 0; i < fields.size(); i++) {
      FieldDef f = fields.get(i);
      Object v = t.raw(i);
      if (v == null || f.type().isScalar()) {
        continue;
      }
      if (f.type() == FieldType.UNION) {
        int code = TfLiteSchema.SCHEMA.union(f.refName()).codeOf(((Table) v).typeName());
        builder.addByte(f.slot(), (byte) code, 0);
        builder.addOffset(f.slot() + 1, offsets[i], 0);
      } else {
        builder.addOffset(f.slot(), offsets[i], 0);
      }
    }
    return builder.endTable();
  }

  private void addScalar(FieldDef f, Object v) {
    Object d = f.defaultValue();
    int slot = f.slot();
    switch (f.type()) {
      case BOOL -> builder.addBoolean(slot, (Boolean) v, (Boolean) d);
      case INT8, UINT8 -> builder.addByte(slot, (byte) (int) (Integer) v, (byte) (int) (Integer) d);
      case INT16, UINT16 -> builder.addShort(slot, (short) (int) (Integer) v, (short) (int) (Integer) d);
      case INT32 -> builder.addInt(slot, (Integer) v, (Integer) d);
      case UINT32 -> builder.addInt(slot, (int) (long) (Long) v, (int) (long) (Long) d);
      case INT64, UINT64 -> builder.addLong(slot, (Long) v, (Long) d);
      case FLOAT32 -> builder.addFloat(slot, (Float) v, (Float) d);
      case FLOAT64 -> builder.addDouble(slot, (Double) v, (Double) d);
      default -> throw new IllegalStateException(f.type().toString());
    }
  }

  private int writeVector(FieldDef f, Object v) {
    FieldType et = f.elementType();
    int align = Math.max(f.alignment(), et.width());
    switch (et) {
      case INT8:
      case UINT8: {
        byte[] a = (byte[]) v;
        // Aligning the end of the data also aligns its start, which is what force_align means.
        builder.prep(align, a.length);
        return builder.createByteVector(a);
      }
      case BOOL: {
        boolean[] a = (boolean[]) v;
        builder.startVector(1, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addBoolean(a[i]);
        }
        return builder.endVector();
      }
      case INT16:
      case UINT16: {
        short[] a = (short[]) v;
        builder.startVector(2, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addShort(a[i]);
        }
        return builder.endVector();
      }
      case INT32:
      case UINT32: {
        int[] a = (int[]) v;
        builder.startVector(4, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addInt(a[i]);
        }
        return builder.endVector();
      }
      case INT64:
      case UINT64: {
        long[] a = (long[]) v;
        builder.startVector(8, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addLong(a[i]);
        }
        return builder.endVector();
      }
      case FLOAT32: {
        float[] a = (float[]) v;
        builder.startVector(4, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addFloat(a[i]);
        }
        return builder.endVector();
      }
      case FLOAT64: {
        double[] a = (double[]) v;
        builder.startVector(8, a.length, align);
        for (int i = a.length - 1; i >= 0; i--) {
          builder.addDouble(a[i]);
        }
        return builder.endVector();
      }
      case STRING: {
        String[] a = (String[]) v;
        int[] offs = new int[a.length];
        for (int i = 0; i < a.length; i++) {
          offs[i] = builder.createSharedString(a[i]);
        }
        return offsetVector(offs);
      }
      case TABLE: {
        @SuppressWarnings("unchecked")
        List<Table> a = (List<Table>) v;
        int[] offs = new int[a.size()];
        for (int i = 0; i < offs.length; i++) {
          offs[i] = writeTable(a.get(i));
        }
        return offsetVector(offs);
      }
      default:
        throw new IllegalStateException(et.toString());
    }
  }

  private int offsetVector(int[] offs) {
    builder.startVector(4, offs.length, 4);
    for (int i = offs.length - 1; i >= 0; i--) {
      builder.addOffset(offs[i]);
    }
    return builder.endVector();
  }
}
