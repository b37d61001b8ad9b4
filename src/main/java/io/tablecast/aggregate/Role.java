package io.tablecast.aggregate;

import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do: every user reads and writes their own things, editors curate, admins
 * administer. A command carries them as its {@link Actor}.
 */
public enum Role {
  USER,
  EDITOR,
  ADMIN;

  /** The name in events, tables and JSON: lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String label) {
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
