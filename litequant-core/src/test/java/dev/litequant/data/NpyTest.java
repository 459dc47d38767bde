package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.LiteQuantException;
import dev.litequant.graph.DataType;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  /** Files written by NumPy 2.4 (np.save, or np.lib.format.write_array for versions 2.0 and 3.0). */
  private static final String F32_3X2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMs"
      + "IDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAIhAAAAA"
      + "AAAAAL8=";
  private static final String I64_1D = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMs"
      + "KSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////AwAA"
      + "AAAAAAA=";
  private static final String BOOL_2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIs"
      + "KSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAA==";
  private static final String I32_SCALAR = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
      + "KCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAA";
  private static final String U8_2X2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIs"
      + "IDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoA/4AB";
  private static final String I8_3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKS"
      + "wgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH8=";
  private static final String I16_2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsK"
      + "SwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArU/iwB";
  private static final String EMPTY_F32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKD"
      + "AsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";
  private static final String V2_I32 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAo"
      + "MiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAgAAAA==";
  private static final String V3_I32 = "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8aTQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAo"
      + "MiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAgAAAA==";
  private static final String FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiw"
      + "gMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQAAAgD8AAIBAAAA"
      + "AQAAAoEA=";
  private static final String BIG_ENDIAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
      + "KDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQAAAAA==";
  private static final String F64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSw"
      + "gfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA";

  @TempDir Path dir;

  // --- Files NumPy wrote ------------------------------------------------------------------------

  @Test
  void readsAndWritesExactlyWhatNumPyWrites() {
    List<Object[]> cases = List.of(
        new Object[] {F32_3X2, TensorValue.ofFloats(Shape.of(3, 2), 1.5f, -2f, 3f, 4.25f, 0f, -0.5f)},
        new Object[] {I64_1D, TensorValue.ofLongs(Shape.of(3), 1, -2, 3)},
        new Object[] {BOOL_2, TensorValue.ofBytes(DataType.BOOL, Shape.of(2), (byte) 1, (byte) 0)},
        new Object[] {I32_SCALAR, TensorValue.ofInts(Shape.scalar(), 7)},
        new Object[] {U8_2X2, TensorValue.ofBytes(DataType.UINT8, Shape.of(2, 2), (byte) 0, (byte) 255, (byte) 128,
            (byte) 1)},
        new Object[] {I8_3, TensorValue.ofBytes(DataType.INT8, Shape.of(3), (byte) -128, (byte) 0, (byte) 127)},
        new Object[] {I16_2, TensorValue.ofShorts(DataType.INT16, Shape.of(2), (short) -300, (short) 300)},
        new Object[] {EMPTY_F32, TensorValue.ofFloats(Shape.of(0, 3))});
    for (Object[] c : cases) {
      byte[] numpy = Base64.getDecoder().decode((String) c[0]);
      TensorValue expected = (TensorValue) c[1];
      assertEquals(expected, Npy.parse(numpy, "fixture.npy"));
      assertArrayEquals(numpy, Npy.toBytes(expected), () -> "writing " + expected + " differs from NumPy");
    }
  }

  @Test
  void readsVersions2And3() {
    TensorValue expected = TensorValue.ofInts(Shape.of(2), 1, 2);
    assertEquals(expected, Npy.parse(Base64.getDecoder().decode(V2_I32), "v2.npy"));
    assertEquals(expected, Npy.parse(Base64.getDecoder().decode(V3_I32), "v3.npy"));
  }

  @Test
  void acceptsOtherSpellingsOfTheHeader() {
    // Python 2 longs, double quotes, no trailing comma, native byte order, keys in another order.
    byte[] data = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
    for (String header : List.of("{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 2L), }",
        "{\"shape\": (2, 2), \"fortran_order\": False, \"descr\": \"=i4\"}",
        "{ 'descr' : 'i4' , 'fortran_order' : False , 'shape' : ( 2 , 2 ) }   \n")) {
      TensorValue v = Npy.parse(file(1, header, data), "spelled.npy");
      assertEquals(TensorValue.ofInts(Shape.of(2, 2), 1, 2, 3, 4), v, header);
    }
  }

  @Test
  void normalisesBoolsToZeroAndOne() {
    TensorValue v = Npy.parse(file(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
        new byte[] {0, 2, 1}), "bools.npy");
    assertArrayEquals(new byte[] {0, 1, 1}, v.bytes());
  }

  // --- Round trips --------------------------------------------------------------------------------

  @Test
  void roundTripsEveryTypeAndShape() throws IOException {
    Random r = new Random(5);
    List<Shape> shapes = List.of(Shape.scalar(), Shape.of(1), Shape.of(7), Shape.of(0), Shape.of(2, 3),
        Shape.of(1, 28, 28, 1), Shape.of(3, 0, 2), Shape.of(2, 1, 3, 1, 2));
    int n = 0;
    for (DataType type : List.of(DataType.FLOAT32, DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8,
        DataType.INT16, DataType.BOOL)) {
      for (Shape shape : shapes) {
        byte[] raw = new byte[(int) type.bytesFor(shape.elementCount())];
        r.nextBytes(raw);
        if (type == DataType.BOOL) {
          for (int i = 0; i < raw.length; i++) {
            raw[i] &= 1;
          }
        }
        TensorValue v = TensorValue.fromBytes(type, shape, raw);
        Path p = dir.resolve("v" + n++ + ".npy");
        Npy.write(v, p);
        assertEquals(v, Npy.read(p), type + " " + shape);
        assertEquals(0, (Files.size(p) - raw.length) % 64, "the data must start on a 64-byte boundary");
      }
    }
  }

  @Test
  void writesAtomicallyAndReplaces() throws IOException {
    Path p = dir.resolve("sub/out.npy");
    Npy.write(TensorValue.ofFloats(Shape.of(2), 1f, 2f), p);
    Npy.write(TensorValue.ofInts(Shape.of(1), 9), p);
    assertEquals(TensorValue.ofInts(Shape.of(1), 9), Npy.read(p));
    try (Stream<Path> s = Files.list(p.getParent())) {
      assertEquals(List.of(p.getFileName().toString()), s.map(f -> f.getFileName().toString()).toList());
    }
  }

  @Test
  void refusesToWriteTypesItCannotRead() {
    TensorValue half = TensorValue.ofShorts(DataType.FLOAT16, Shape.of(1), (short) 0x3C00);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Npy.toBytes(half));
    assertTrue(e.getMessage().contains("float16"), e.getMessage());
  }

  // --- Bad files: one clear message naming the file and the problem ---------------------------------

  @Test
  void refusesBigEndian() {
    assertRefused(Base64.getDecoder().decode(BIG_ENDIAN), "big-endian", "astype('<f4')");
  }

  @Test
  void refusesFloat64WithAdvice() {
    assertRefused(Base64.getDecoder().decode(F64), "'<f8'", "float64", "float32");
  }

  @Test
  void refusesOtherDtypes() {
    assertRefused(file(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", new byte[2]), "'<u2'",
        "uint16");
    assertRefused(file(1, "{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", new byte[12]), "strings");
    assertRefused(file(1, "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
        new byte[8]), "structured");
    assertRefused(file(1, "{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]), "byte order");
  }

  @Test
  void refusesFortranOrder() {
    assertRefused(Base64.getDecoder().decode(FORTRAN), "Fortran", "C order");
  }

  @Test
  void refusesBadMagic() {
    byte[] good = Base64.getDecoder().decode(F32_3X2);
    byte[] bad = good.clone();
    bad[1] = 'X';
    assertRefused(bad, "magic");
    assertRefused("hello world, not numpy".getBytes(StandardCharsets.US_ASCII), "magic");
    assertRefused(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, ".npz");
    assertRefused(new byte[0], "empty");
  }

  @Test
  void refusesUnknownVersions() {
    byte[] v = Base64.getDecoder().decode(F32_3X2);
    v[6] = 4;
    assertRefused(v, "version 4.0");
    v[6] = 1;
    v[7] = 1;
    assertRefused(v, "version 1.1");
  }

  @Test
  void refusesMalformedHeaders() {
    byte[] data = new byte[8];
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False}", data), "malformed", "'shape'");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", data),
        "malformed", "'extra'");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ", data), "malformed");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", data), "malformed", "tuple");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", data), "malformed");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data), "malformed",
        "non-negative");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data), "malformed",
        "fortran_order");
    assertRefused(file(1, "{'descr': <f4, 'fortran_order': False, 'shape': (2,), }", data), "malformed");
    assertRefused(file(1, "['descr', '<f4']", data), "malformed", "not a dict");
    assertRefused(file(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", data),
        "malformed", "repeats");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } trailing", data),
        "malformed");
  }

  @Test
  void refusesTruncatedFiles() {
    byte[] good = Base64.getDecoder().decode(F32_3X2);
    assertRefused(Arrays.copyOf(good, good.length - 1), "truncated", "24 bytes of data", "23 bytes");
    assertRefused(Arrays.copyOf(good, 60), "truncated", "header");
    assertRefused(Arrays.copyOf(good, 9), "truncated");
    assertRefused(Arrays.copyOf(good, 7), "truncated");
    byte[] v2 = Base64.getDecoder().decode(V2_I32);
    assertRefused(Arrays.copyOf(v2, 11), "truncated");
  }

  @Test
  void refusesTrailingBytes() {
    byte[] good = Base64.getDecoder().decode(F32_3X2);
    assertRefused(Arrays.copyOf(good, good.length + 3), "3 bytes after the data");
  }

  @Test
  void refusesShapesWhoseElementCountOverflows() {
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }",
        new byte[4]), "overflows");
    assertRefused(file(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3037000500, 3037000500), }",
        new byte[8]), "overflows");
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
        new byte[4]), "malformed", "too large");
    // Large but countable: a truncation, found without allocating the array.
    assertRefused(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }",
        new byte[4]), "truncated");
  }

  @Test
  void namesMissingFiles() {
    Path missing = dir.resolve("nope.npy");
    LiteQuantException e = assertThrows(LiteQuantException.class, () -> Npy.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void errorsFromFilesNameThePath() throws IOException {
    Path p = dir.resolve("bad.npy");
    Files.write(p, Base64.getDecoder().decode(F64));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Npy.read(p));
    assertTrue(e.getMessage().startsWith("The NumPy file " + p + " "), e.getMessage());
  }

  // --- Helpers ----------------------------------------------------------------------------------

  /** A .npy file with the given header text (padded as NumPy pads it) and data. */
  static byte[] file(int major, String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    int lengthBytes = major == 1 ? 2 : 4;
    int prefix = 8 + lengthBytes;
    int padded = ((prefix + h.length + 1 + 63) / 64) * 64 - prefix;
    byte[] out = new byte[prefix + padded + data.length];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0};
    System.arraycopy(magic, 0, out, 0, 8);
    out[8] = (byte) padded;
    out[9] = (byte) (padded >> 8);
    System.arraycopy(h, 0, out, prefix, h.length);
    Arrays.fill(out, prefix + h.length, prefix + padded - 1, (byte) ' ');
    out[prefix + padded - 1] = '\n';
    System.arraycopy(data, 0, out, prefix + padded, data.length);
    return out;
  }

  private static void assertRefused(byte[] bytes, String... fragments) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Npy.parse(bytes, "x/bad.npy"));
    String m = e.getMessage();
    assertTrue(m.startsWith("The NumPy file x/bad.npy "), m);
    for (String f : fragments) {
      assertTrue(m.contains(f), () -> "'" + f + "' missing from: " + m);
    }
  }
}
