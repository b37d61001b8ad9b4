package io.tablecast.user;

import java.util.Locale;
import java.util.Optional;

/** What a user may do: every user reads and writes their own things, editors curate, admins administer. */
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
