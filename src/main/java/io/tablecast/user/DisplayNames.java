package io.tablecast.user;

/**
 * How a user's display name derives from the full name: the first name and the initial of the
 * last ("Ada Lovelace" → "Ada L."), or the single name as it is. A pure function of the event, so
 * a rebuild of the users projection backfills it for all history.
 */
public final class DisplayNames {
  private DisplayNames() {}

  public static String of(String fullName) {
    if (fullName == null || fullName.isBlank()) {
      return fullName;
    }
    String[] words = fullName.strip().split("\\s+");
    if (words.length < 2) {
      return words[0];
    }
    String last = words[words.length - 1];
    return words[0] + " " + last.substring(0, last.offsetByCodePoints(0, 1)) + ".";
  }
}
