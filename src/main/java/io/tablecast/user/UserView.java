package io.tablecast.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user as the API shows it: never the password hash; with their profile, or null. */
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
    Instant deletedAt,
    Profile profile) {

  /**
   * The user's live profile as GET /api/users/{id}/profile shows it, read from the profiles'
   * read table ({@link UserQueries}): the profile package uses users' events, so users use no
   * class of it, and the seam between them runs one way.
   */
  public record Profile(
      UUID userId, String bio, String website, String location, String avatarUrl, long version, Instant createdAt,
      Instant updatedAt, Instant deletedAt) {}

  static UserView of(User.State s, Profile profile) {
    return new UserView(s.id(), s.email(), s.fullName(), DisplayNames.of(s.fullName()), s.roles(), s.active(), s.version(), s.createdAt(), s.updatedAt(),
        s.deletedAt(), profile);
  }
}
