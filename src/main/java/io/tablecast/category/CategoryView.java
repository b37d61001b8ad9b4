package io.tablecast.category;

import java.time.Instant;
import java.util.UUID;

/** A category as the API shows it. */
public record CategoryView(
    UUID id, String name, String description, long version, Instant createdAt, Instant updatedAt, Instant deletedAt) {

  static CategoryView of(Category.State s) {
    return new CategoryView(s.id(), s.name(), s.description(), s.version(), s.createdAt(), s.updatedAt(), s.deletedAt());
  }
}
