package io.tablecast.profile;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the {@code user_profiles} read table, and how an event changes it. The profiles
 * projection folds a batch of events into rows in memory and writes each changed row once, so
 * this function is the projection's logic: times come from the events and the version from the
 * sequence number, so a rebuild folds the same events into the same rows.
 */
record ProfileRow(
    UUID userId, String bio, String website, String location, String avatarUrl, Instant createdAt, Instant updatedAt,
    Instant deletedAt, long version) {

  /**
   * The row after {@code event}, given the row before it: null while the user has had no profile
   * (their deletion and restoration are recorded by the aggregate, and leave no row).
   */
  static ProfileRow fold(ProfileRow row, Profile.Event event, long version) {
    if (event instanceof Profile.Created e) {
      if (row != null && row.deletedAt == null) {
        throw new IllegalStateException("profile " + e.userId() + " is created while it is live");
      }
      return new ProfileRow(e.userId(), e.bio(), e.website(), e.location(), e.avatarUrl(), e.at(), e.at(), null, version);
    }
    if (row == null) {
      if (event instanceof Profile.OwnerDeleted || event instanceof Profile.OwnerRestored) {
        return null;
      }
      throw new IllegalStateException("profile " + event.userId() + " has no row for " + event.getClass().getSimpleName());
    }
    return row.apply(event, version);
  }

  private ProfileRow apply(Profile.Event event, long version) {
    if (event instanceof Profile.Updated e) {
      return new ProfileRow(userId, e.bio(), e.website(), e.location(), e.avatarUrl(), createdAt, e.at(), null, version);
    } else if (event instanceof Profile.Deleted e) {
      return deleted(e.at(), version);
    } else if (event instanceof Profile.OwnerDeleted e) {
      return e.profileDeleted() ? deleted(e.at(), version) : at(version);
    } else if (event instanceof Profile.OwnerRestored e) {
      return e.profileRestored()
          ? new ProfileRow(userId, bio, website, location, avatarUrl, createdAt, e.at(), null, version)
          : at(version);
    }
    throw new IllegalArgumentException("profiles projection cannot handle " + event.getClass().getName());
  }

  private ProfileRow deleted(Instant at, long version) {
    return new ProfileRow(userId, bio, website, location, avatarUrl, createdAt, at, at, version);
  }

  /** Nothing a reader sees changed; the version still follows the aggregate's, for If-Match. */
  private ProfileRow at(long version) {
    return new ProfileRow(userId, bio, website, location, avatarUrl, createdAt, updatedAt, deletedAt, version);
  }
}
