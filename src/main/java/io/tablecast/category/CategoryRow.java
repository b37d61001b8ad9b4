package io.tablecast.category;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the {@code categories} read table, and how an event changes it. The categories
 * projection folds a whole batch of events into rows in memory and writes each changed row once,
 * so this function is the projection's logic: times come from the events and the version from the
 * sequence number, so a rebuild folds the same events into the same rows.
 */
record CategoryRow(
    UUID id, String name, String description, Instant createdAt, Instant updatedAt, Instant deletedAt, long version) {

  static CategoryRow created(Category.Created e, long version) {
    return new CategoryRow(e.categoryId(), e.name(), e.description(), e.at(), e.at(), null, version);
  }

  /**
   * This row after a later event of the same category. A {@code Voided} one leaves it as it is: a
   * voided id never had a row, and the projection has always ignored the event.
   */
  CategoryRow apply(Category.Event event, long version) {
    if (event instanceof Category.Updated e) {
      return new CategoryRow(id, e.name(), e.description(), createdAt, e.at(), deletedAt, version);
    } else if (event instanceof Category.Deleted e) {
      return new CategoryRow(id, name, description, createdAt, e.at(), e.at(), version);
    } else if (event instanceof Category.Restored e) {
      return new CategoryRow(id, name, description, createdAt, e.at(), null, version);
    } else if (event instanceof Category.Voided) {
      return this;
    } else if (event instanceof Category.Created) {
      throw new IllegalStateException("category " + id + " is created twice");
    }
    throw new IllegalArgumentException("categories projection cannot handle " + event.getClass().getName());
  }

  /** The name the table's partial unique index holds for this row: its name while live, none once deleted. */
  String liveName() {
    return deletedAt == null ? name : null;
  }
}
