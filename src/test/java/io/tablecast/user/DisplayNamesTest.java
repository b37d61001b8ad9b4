package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DisplayNamesTest {
  @Test
  void firstNameAndTheInitialOfTheLast() {
    assertEquals("Ada L.", DisplayNames.of("Ada Lovelace"));
    assertEquals("Grace H.", DisplayNames.of("  Grace   Brewster   Hopper "));
    assertEquals("Plato", DisplayNames.of("Plato"));
    assertEquals("Émile Z.", DisplayNames.of("Émile Zola"));
    assertEquals("Ann 😀.", DisplayNames.of("Ann 😀smile"), "the initial is a whole code point");
  }
}
