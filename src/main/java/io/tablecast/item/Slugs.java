package io.tablecast.item;

import java.text.Normalizer;
import java.util.Locale;
import java.util.UUID;

/**
 * An item's slug: the title in lower-case ASCII words joined by '-', then the first 12 hex digits
 * of the item's id. The id part makes it unique without looking at other items, so the slug is a
 * function of the item's own events and a rebuild reproduces it whatever order slices run in.
 */
public final class Slugs {
  static final int MAX_TITLE_PART = 200;

  private Slugs() {}

  public static String of(String title, UUID id) {
    String ascii = Normalizer.normalize(title, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    String words = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    if (words.length() > MAX_TITLE_PART) {
      words = words.substring(0, MAX_TITLE_PART).replaceAll("-+$", "");
    }
    String suffix = id.toString().replace("-", "").substring(0, 12);
    return words.isEmpty() ? "item-" + suffix : words + "-" + suffix;
  }
}
