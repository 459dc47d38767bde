package dev.litequant.flatbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.litequant.graph.BuiltinOperator;
import dev.litequant.graph.DataType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import dev.litequant.testing.Names;
import org.junit.jupiter.api.Test;

/**
 * Checks LiteQuant's hand-written schema against the flatbuffers-generated TensorFlow Lite classes
 * (tensorflow-lite-metadata 0.4.4), an independent source: every field the generated code writes
 * must sit in the same slot, with the same wire type and default, in LiteQuant's description.
 */
class SchemaConsistencyTest {
  private static final String GENERATED = "org.tensorflow.lite.schema.";

  /** Records the slot, kind and default of the last field a generated {@code addX} method adds. */
  private static final class RecordingBuilder extends FlatBufferBuilder {
    int startedSlots = -1;
    int slot;
    String kind;
    Object defaultValue;

    @Override
    public void startTable(int numfields) {
      startedSlots = numfields;
    }

    private void record(int o, String k, Object d) {
      slot = o;
      kind = k;
      defaultValue = d;
    }

    @Override
    public void addBoolean(int o, boolean x, boolean d) {
      record(o, "bool", d);
    }

    @Override
    public void addByte(int o, byte x, int d) {
      record(o, "byte", d);
    }

    @Override
    public void addShort(int o, short x, int d) {
      record(o, "short", d);
    }

    @Override
    public void addInt(int o, int x, int d) {
      record(o, "int", d);
    }

    @Override
    public void addLong(int o, long x, long d) {
      record(o, "long", d);
    }

    @Override
    public void addFloat(int o, float x, double d) {
      record(o, "float", d);
    }

    @Override
    public void addDouble(int o, double x, double d) {
      record(o, "double", d);
    }

    @Override
    public void addOffset(int o, int x, int d) {
      record(o, "offset", d);
    }
  }

  @Test
  void everyGeneratedFieldMatchesTheSchemaDescription() throws Exception {
    int tablesCompared = 0;
    int fieldsCompared = 0;
    List<String> newerThanGenerated = new ArrayList<>();
    for (TableDef def : TfLiteSchema.SCHEMA.tables()) {
      Class<?> gen;
      try {
        gen = Class.forName(GENERATED + def.name());
      } catch (ClassNotFoundException e) {
        newerThanGenerated.add(def.name());
        continue;
      }
      tablesCompared++;
      RecordingBuilder rb = new RecordingBuilder();
      gen.getMethod("start" + def.name(), FlatBufferBuilder.class).invoke(null, rb);
      assertTrue(rb.startedSlots <= def.slotCount(),
          def.name() + ": generated code has " + rb.startedSlots + " slots, LiteQuant " + def.slotCount());
      java.util.Set<Integer> covered = new java.util.HashSet<>();
      for (Method m : gen.getMethods()) {
        if (!Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("add")
            || m.getParameterCount() != 2 || m.getParameterTypes()[0] != FlatBufferBuilder.class) {
          continue;
        }
        rb.kind = null;
        m.invoke(null, rb, zero(m.getParameterTypes()[1]));
        assertNotNull(rb.kind, m.getName());
        FieldDef f = fieldFor(def, m.getName().substring(3));
        boolean unionType = m.getName().endsWith("Type") && f.type() == FieldType.UNION
            && def.indexOf(Names.snake(m.getName().substring(3))) < 0;
        int expectedSlot = f.type() == FieldType.UNION && !unionType ? f.slot() + 1 : f.slot();
        int generatedSlot = rb.slot;
        assertEquals(expectedSlot, generatedSlot, def.name() + "." + f.name() + " slot");
        covered.add(generatedSlot);
        String expectedKind = unionType ? "byte" : kindOf(f);
        assertEquals(expectedKind, rb.kind, def.name() + "." + f.name() + " wire type");
        if (f.type().isScalar()) {
          assertEquals(((Number) asNumber(f.defaultValue())).doubleValue(),
              ((Number) asNumber(rb.defaultValue)).doubleValue(), def.name() + "." + f.name() + " default");
        }
        fieldsCompared++;
      }
      // Conversely, every non-deprecated field the generated code knows is one it writes.
      for (FieldDef f : def.fields()) {
        if (f.slot() < rb.startedSlots && !f.deprecated()) {
          assertTrue(covered.contains(f.slot()), def.name() + "." + f.name() + " is unknown to the generated code");
        }
      }
    }
    assertTrue(tablesCompared >= 143, "compared only " + tablesCompared + " tables");
    assertTrue(fieldsCompared >= 213, "compared only " + fieldsCompared + " fields");
    // The StableHLO options are newer than the generated classes; nothing else should be.
    for (String name : newerThanGenerated) {
      assertTrue(name.startsWith("Stablehlo") || name.equals("StableHLOCompositeOptions")
          || name.equals("DilateOptions") || name.equals("ReduceWindowOptions"), name);
    }
  }

  @Test
  void unionMembersAreInTheGeneratedOrder() throws Exception {
    for (String union : List.of("BuiltinOptions", "QuantizationDetails", "SparseIndexVector")) {
      Class<?> gen = Class.forName(GENERATED + union);
      Method name = gen.getMethod("name", int.class);
      List<String> members = TfLiteSchema.SCHEMA.union(union).members();
      for (int i = 0; i < members.size(); i++) {
        assertEquals(name.invoke(null, i + 1), members.get(i), union + " member " + (i + 1));
      }
    }
  }

  @Test
  void operatorAndTypeCodesMatchTheGeneratedEnums() throws Exception {
    Method opName = Class.forName(GENERATED + "BuiltinOperator").getMethod("name", int.class);
    for (BuiltinOperator op : BuiltinOperator.values()) {
      if (op.code() <= 161) {
        assertEquals(opName.invoke(null, op.code()), op.name());
      }
    }
    Method typeName = Class.forName(GENERATED + "TensorType").getMethod("name", int.class);
    for (DataType t : DataType.values()) {
      if (t.code() <= 17) {
        assertEquals(typeName.invoke(null, t.code()), t.name());
      }
    }
  }

  private static FieldDef fieldFor(TableDef def, String camel) {
    String snake = Names.snake(camel);
    if (def.indexOf(snake) >= 0) {
      return def.field(snake);
    }
    if (snake.endsWith("_type") && def.indexOf(snake.substring(0, snake.length() - 5)) >= 0) {
      return def.field(snake.substring(0, snake.length() - 5));
    }
    fail(def.name() + " has no field for generated add" + camel);
    return null;
  }


  private static String kindOf(FieldDef f) {
    return switch (f.type()) {
      case BOOL -> "bool";
      case INT8, UINT8 -> "byte";
      case INT16, UINT16 -> "short";
      case INT32, UINT32 -> "int";
      case INT64, UINT64 -> "long";
      case FLOAT32 -> "float";
      case FLOAT64 -> "double";
      default -> "offset";
    };
  }

  private static Object asNumber(Object o) {
    return o instanceof Boolean b ? (b ? 1 : 0) : o;
  }

  private static Object zero(Class<?> type) {
    if (type == boolean.class) {
      return false;
    } else if (type == byte.class) {
      return (byte) 0;
    } else if (type == short.class) {
      return (short) 0;
    } else if (type == int.class) {
      return 0;
    } else if (type == long.class) {
      return 0L;
    } else if (type == float.class) {
      return 0f;
    } else if (type == double.class) {
      return 0d;
    }
    throw new IllegalArgumentException(type.toString());
  }
}
