package io.tablecast.http;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Ids in paths and bodies are canonical UUIDs; anything else names no resource. */
public final class Ids {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private Ids() {}

  public static Optional<UUID> parse(String text) {
    return CANONICAL.matcher(text).matches() ? Optional.of(UUID.fromString(text)) : Optional.empty();
  }
}
