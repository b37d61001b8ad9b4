package io.tablecast.profile;

import java.time.Instant;
import java.util.UUID;

/** A profile as the API shows it. */
public record ProfileView(
    UUID userId, String bio, String website, String location, String avatarUrl, long version, Instant createdAt,
    Instant updatedAt, Instant deletedAt) {

  static ProfileView of(Profile.State s) {
    Profile.Fields f = s.fields();
    return new ProfileView(s.id(), f.bio(), f.website(), f.location(), f.avatarUrl(), s.version(), s.createdAt(),
        s.updatedAt(), s.deletedAt());
  }
}
