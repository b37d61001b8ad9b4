package io.tablecast.item;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An item as the API shows it, whether read from the items table or from the aggregate's reply.
 * {@code contentTruncated}: {@code content} is only the start of it (list pages).
 */
public record ItemView(
    UUID id,
    String title,
    String content,
    boolean contentTruncated,
    UUID categoryId,
    CategoryRef category,
    String status,
    UUID ownerId,
    List<String> tags,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant deletedAt) {

  /** The item's category as a join shows it: {id, name}, or null when the item has none. */
  public record CategoryRef(UUID id, String name) {}

  static ItemView of(Item.State s, String categoryName) {
    CategoryRef category = s.categoryId() == null ? null : new CategoryRef(s.categoryId(), categoryName);
    return new ItemView(
        s.id(), s.title(), s.content(), false, s.categoryId(), category, s.status(), s.ownerId(), s.tags(), s.version(),
        s.createdAt(), s.updatedAt(), s.deletedAt());
  }

  boolean deleted() {
    return deletedAt != null;
  }
}
