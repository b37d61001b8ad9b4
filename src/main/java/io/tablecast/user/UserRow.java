package io.tablecast.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the {@code users} read table with the user's {@code user_roles}, and how an event
 * changes them. The users projection folds a whole batch of events into rows in memory and writes
 * each changed row once, so this function is the projection's logic: times come from the events
 * and the version from the sequence number, so a rebuild folds the same events into the same rows.
 * No password hash: logins are checked against the aggregate.
 */
record UserRow(
    UUID id, String email, String fullName, boolean active, Instant createdAt, Instant updatedAt, Instant deletedAt,
    long version, String displayName, List<String> roles) {

  static UserRow created(User.Registered e, long version) {
    return new UserRow(e.userId(), e.email(), e.fullName(), true, e.at(), e.at(), null, version,
        DisplayNames.of(e.fullName()), e.roles());
  }

  /**
   * This row after a later event of the same user. The display name is derived again only when
   * the full name is written: a row projected before the column existed keeps it empty until then
   * (or a rebuild). A {@code Voided} event leaves the row as it is: a voided id never had a row,
   * and the projection has always ignored the event.
   */
  UserRow apply(User.Event event, long version) {
    if (event instanceof User.Updated e) {
      List<String> newRoles = e.changed().contains("roles") ? e.roles() : roles;
      return new UserRow(id, email, e.fullName(), e.active(), createdAt, e.at(), deletedAt, version,
          DisplayNames.of(e.fullName()), newRoles);
    } else if (event instanceof User.Deleted e) {
      return new UserRow(id, email, fullName, active, createdAt, e.at(), e.at(), version, displayName, roles);
    } else if (event instanceof User.Restored e) {
      return new UserRow(id, email, fullName, active, createdAt, e.at(), null, version, displayName, roles);
    } else if (event instanceof User.Voided) {
      return this;
    } else if (event instanceof User.Registered) {
      throw new IllegalStateException("user " + id + " is registered twice");
    }
    throw new IllegalArgumentException("users projection cannot handle " + event.getClass().getName());
  }

  /** The email the table's partial unique index holds for this row: its email while live, none once deleted. */
  String liveEmail() {
    return deletedAt == null ? email : null;
  }
}
