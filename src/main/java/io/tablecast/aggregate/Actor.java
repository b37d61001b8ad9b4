package io.tablecast.aggregate;

import io.tablecast.JsonSerializable;
import java.util.UUID;

/**
 * Who sends a command, as much as an aggregate needs to decide whether they may: the user, and
 * whether they curate everybody's content (editors and admins) or administer users (admins).
 */
public record Actor(UUID userId, boolean editor, boolean admin) implements JsonSerializable {
  /** The service itself: processes that react to events, the admin bootstrap, the CLI. */
  public static final Actor SYSTEM = new Actor(null, true, true);

  public boolean curator() {
    return editor || admin;
  }

  public boolean is(UUID user) {
    return userId != null && userId.equals(user);
  }
}
