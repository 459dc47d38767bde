package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litequant.InvalidArgumentException;
import dev.litequant.graph.Shape;
import dev.litequant.runtime.TensorValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStackTest {
  private static float[] range(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return v;
  }

  @Test
  void oneSampleWhateverItsDims() {
    SampleStack s = SampleStack.split(TensorValue.ofFloats(Shape.of(2, 3), range(6)), Shape.of(1, 6, 1), "x.npy");
    assertEquals(1, s.count());
    assertFalse(s.isStacked());
    assertEquals(TensorValue.ofFloats(Shape.of(1, 6, 1), range(6)), s.sample(0));
  }

  @Test
  void firstAxisCountsSamples() {
    SampleStack s = SampleStack.split(TensorValue.ofFloats(Shape.of(4, 2, 3), range(24)), Shape.of(1, 6), "x.npy");
    assertEquals(4, s.count());
    assertTrue(s.isStacked());
    assertArrayEquals(new float[] {12, 13, 14, 15, 16, 17}, s.sample(2).floats());
    assertEquals(Shape.of(1, 6), s.sample(3).shape());
  }

  @Test
  void refusesShapesThatFitNeitherWay() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> SampleStack.split(TensorValue.ofFloats(Shape.of(3, 5), range(15)), Shape.of(1, 4), "x.npy for 'in'"));
    assertTrue(e.getMessage().startsWith("x.npy for 'in' has shape [3, 5] (15 values)"), e.getMessage());
    assertTrue(e.getMessage().contains("[1, 4] (4 values)"), e.getMessage());
    assertThrows(InvalidArgumentException.class,
        () -> SampleStack.split(TensorValue.ofFloats(Shape.of(2), range(2)), Shape.of(1, 4), "x.npy"));
  }

  @Test
  void stacksReplacingABatchOfOneOrAddingAnAxis() {
    TensorValue a = TensorValue.ofFloats(Shape.of(1, 2), 1, 2);
    TensorValue b = TensorValue.ofFloats(Shape.of(1, 2), 3, 4);
    assertEquals(TensorValue.ofFloats(Shape.of(2, 2), 1, 2, 3, 4), SampleStack.stack(List.of(a, b)));
    TensorValue c = TensorValue.ofInts(Shape.of(2), 1, 2);
    TensorValue d = TensorValue.ofInts(Shape.of(2), 3, 4);
    assertEquals(TensorValue.ofInts(Shape.of(2, 2), 1, 2, 3, 4), SampleStack.stack(List.of(c, d)));
    TensorValue s = TensorValue.ofInts(Shape.scalar(), 5);
    assertEquals(TensorValue.ofInts(Shape.of(3), 5, 5, 5), SampleStack.stack(List.of(s, s, s)));
  }

  @Test
  void splitThenStackGivesBackTheData() {
    TensorValue data = TensorValue.ofFloats(Shape.of(5, 1, 3), range(15));
    SampleStack s = SampleStack.split(data, Shape.of(1, 3), "x.npy");
    List<TensorValue> samples = new java.util.ArrayList<>();
    for (int i = 0; i < s.count(); i++) {
      samples.add(s.sample(i));
    }
    assertEquals(TensorValue.ofFloats(Shape.of(5, 3), range(15)), SampleStack.stack(samples));
  }
}
