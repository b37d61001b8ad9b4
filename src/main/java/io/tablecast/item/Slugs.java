package io.tablecast.item;

import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An item's slug: the title in lower-case ASCII words joined by '-', then 12 hex digits of the
 * item's id (48 random bits). The id part makes it unique without looking at other items, so the
 * slug is a function of the item's own events and a rebuild reproduces it whatever order slices
 * run in.
 */
public final class Slugs {
  static final int MAX_TITLE_PART = 200;
  // Compiled once: a catch-up derives a slug for every Created and Updated event.
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("^-+|-+$");
  private static final HexFormat HEX = HexFormat.of();

  private Slugs() {}

  public static String of(String title, UUID id) {
    String words = isAscii(title) ? asciiWords(title) : words(title);
    if (words.length() > MAX_TITLE_PART) {
      words = withoutTrailingDashes(words.substring(0, MAX_TITLE_PART));
    }
    String suffix = HEX.toHexDigits(randomBits(id)).substring(4);
    return words.isEmpty() ? "item-" + suffix : words + "-" + suffix;
  }

  /**
   * 48 random bits of the id, in the low bits: a random (version 4) id's first 48 bits, as its
   * slugs have always had; a time-ordered (version 7) id's last 48, since its first 48 are the
   * millisecond it was made in, which items created together share.
   */
  private static long randomBits(UUID id) {
    return id.version() == 7 ? id.getLeastSignificantBits() & 0xFFFF_FFFF_FFFFL : id.getMostSignificantBits() >>> 16;
  }

  /** The title's words: accents dropped (NFKD), lower-cased, anything not [a-z0-9] a separator. */
  static String words(String title) {
    String ascii = MARKS.matcher(Normalizer.normalize(title, Normalizer.Form.NFKD)).replaceAll("");
    return EDGE_DASHES.matcher(NOT_WORD.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
  }

  /**
   * {@link #words} of an ASCII title in one pass, without the regular expressions (NFKD leaves
   * ASCII as it is). A slug is derived for every Created and Updated event a rebuild replays.
   */
  static String asciiWords(String title) {
    StringBuilder out = new StringBuilder(title.length());
    boolean separated = false;
    for (int i = 0; i < title.length(); i++) {
      char ch = title.charAt(i);
      if (ch >= 'A' && ch <= 'Z') {
        ch = (char) (ch + ('a' - 'A'));
      }
      if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
        if (separated && out.length() > 0) {
          out.append('-');
        }
        separated = false;
        out.append(ch);
      } else {
        separated = true;
      }
    }
    return out.toString();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String withoutTrailingDashes(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '-') {
      end--;
    }
    return s.substring(0, end);
  }
}
