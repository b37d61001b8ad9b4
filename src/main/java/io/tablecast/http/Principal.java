package io.tablecast.http;

import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Role;
import java.util.Set;
import java.util.UUID;

/**
 * Who sends a request: its authenticated user, as the user's aggregate knows them right now
 * ({@link Authenticator}).
 */
public record Principal(UUID userId, String email, Set<Role> roles) {

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean isAdmin() {
    return has(Role.ADMIN);
  }

  /** Admins and editors curate everybody's content. */
  public boolean isEditorOrAdmin() {
    return has(Role.EDITOR) || has(Role.ADMIN);
  }

  /** This user as the sender of a command. */
  public Actor actor() {
    return new Actor(userId, has(Role.EDITOR), has(Role.ADMIN));
  }

  public boolean is(UUID user) {
    return userId.equals(user);
  }
}
