package dev.litequant.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {
  @Test
  void numbersCompareByValue() {
    List<String> names = new ArrayList<>(List.of("img10.png", "img2.png", "img1.png", "b.png", "img02.png",
        "A.png", "img1.jpg", "img99999999999999999999.png", "img100000000000000000000.png", "resized9.png",
        "sample0.png"));
    Collections.shuffle(names, new Random(1));
    names.sort(NaturalOrder.INSTANCE);
    assertEquals(List.of("A.png", "b.png", "img1.jpg", "img1.png", "img02.png", "img2.png", "img10.png",
        "img99999999999999999999.png", "img100000000000000000000.png", "resized9.png", "sample0.png"), names);
  }
}
