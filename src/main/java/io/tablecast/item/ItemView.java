package io.tablecast.item;

import java.time.Instant;
import java.util.UUID;

/** An item as the API shows it, whether read from the items table or from the aggregate's reply. */
public record ItemView(
    UUID id,
    String title,
    String content,
    UUID categoryId,
    String status,
    UUID ownerId,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant deletedAt) {

  static ItemView of(Item.State s) {
    return new ItemView(
        s.id(), s.title(), s.content(), s.categoryId(), s.status(), s.ownerId(), s.version(), s.createdAt(),
        s.updatedAt(), s.deletedAt());
  }
}
