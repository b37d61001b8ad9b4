package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SlugsTest {
  private static final UUID ID = UUID.fromString("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");

  @Test
  void titleWordsInLowerCaseAsciiThenTheIdPrefix() {
    assertEquals("hello-world-6f1c2a3b4d5e", Slugs.of("  Hello, World! ", ID));
    assertEquals("creme-brulee-6f1c2a3b4d5e", Slugs.of("Crème Brûlée", ID));
    assertEquals("item-6f1c2a3b4d5e", Slugs.of("!!!", ID));
  }

  @Test
  void longTitlesAreCut() {
    String slug = Slugs.of("a ".repeat(300), ID);
    assertTrue(slug.length() <= Slugs.MAX_TITLE_PART + 13, slug);
    assertTrue(slug.endsWith("-6f1c2a3b4d5e"));
  }
}
