package io.tablecast.item;

import java.text.Normalizer;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An item's slug: the title in lower-case ASCII words joined by '-', then the first 12 hex digits
 * of the item's id. The id part makes it unique without looking at other items, so the slug is a
 * function of the item's own events and a rebuild reproduces it whatever order slices run in.
 */
public final class Slugs {
  static final int MAX_TITLE_PART = 200;
  // Compiled once: a catch-up derives a slug for every Created and Updated event.
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");
  private static final Pattern TRAILING_DASHES = Pattern.compile("-+$");

  private Slugs() {}

  public static String of(String title, UUID id) {
    String ascii = MARKS.matcher(Normalizer.normalize(title, Normalizer.Form.NFKD)).replaceAll("");
    String words = EDGE_DASHES.matcher(NOT_WORD.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
    if (words.length() > MAX_TITLE_PART) {
      words = TRAILING_DASHES.matcher(words.substring(0, MAX_TITLE_PART)).replaceAll("");
    }
    String suffix = id.toString().replace("-", "").substring(0, 12);
    return words.isEmpty() ? "item-" + suffix : words + "-" + suffix;
  }
}
