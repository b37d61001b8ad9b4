package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.TimeOrderedUuid;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
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

  @Test
  void theSuffixIsTheIdsFirstTwelveHexDigits() {
    for (int i = 0; i < 1000; i++) {
      UUID id = UUID.randomUUID();
      String slug = Slugs.of("t", id);
      assertEquals(id.toString().replace("-", "").substring(0, 12), slug.substring(slug.length() - 12), id.toString());
    }
  }

  @Test
  void aTimeOrderedIdGivesItsLastTwelveHexDigitsNotTheMillisecondItShares() {
    UUID id = UUID.fromString("019ae3f2-8b10-7c4d-9e5f-a1b2c3d4e5f6");
    assertEquals("hello-world-a1b2c3d4e5f6", Slugs.of("Hello, World", id));
    Set<String> slugs = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      UUID made = TimeOrderedUuid.create();
      String slug = Slugs.of("t", made);
      assertEquals(made.toString().substring(24), slug.substring(slug.length() - 12), made.toString());
      slugs.add(slug);
    }
    assertEquals(1000, slugs.size(), "items made in one millisecond still get different slugs");
  }

  /** The one-pass ASCII path must give what the general (regular expression) path gives. */
  @Test
  void asciiTitlesGetTheSameWordsWithoutRegularExpressions() {
    String alphabet = "aZ09 -_!.,/\t\n~Mz";
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder title = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        title.append(random.nextBoolean() ? alphabet.charAt(random.nextInt(alphabet.length())) : (char) random.nextInt(0x80));
      }
      assertEquals(Slugs.words(title.toString()), Slugs.asciiWords(title.toString()), "title [" + title + "]");
    }
    // cut at 200 characters, where a separator falls: the dash goes too
    assertEquals("a".repeat(199) + "-6f1c2a3b4d5e", Slugs.of("a".repeat(199) + " " + "b".repeat(10), ID));
  }
}
