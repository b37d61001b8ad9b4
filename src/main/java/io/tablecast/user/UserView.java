package io.tablecast.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user as the API shows it: never the password hash. */
public record UserView(
    UUID id,
    String email,
    String fullName,
    String displayName,
    List<String> roles,
    boolean isActive,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant deletedAt) {

  static UserView of(User.State s) {
    return new UserView(s.id(), s.email(), s.fullName(), DisplayNames.of(s.fullName()), s.roles(), s.active(), s.version(), s.createdAt(), s.updatedAt(),
        s.deletedAt());
  }
}
