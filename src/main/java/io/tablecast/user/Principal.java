package io.tablecast.user;

import io.tablecast.aggregate.Actor;
import java.util.Set;
import java.util.UUID;

/** The authenticated user of a request, as its aggregate knows it right now. */
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
