package io.tablecast.item;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the {@code items} read table, and how an event changes it. The items projection
 * folds a whole batch of events into rows in memory and writes each changed row once, so this
 * function is the projection's logic: times come from the events and the version from the
 * sequence number, so a rebuild folds the same events into the same rows.
 */
record ItemRow(
    UUID id, String title, String content, String status, UUID categoryId, UUID ownerId, Instant createdAt,
    Instant updatedAt, Instant deletedAt, long version, String slug, boolean slugLocked) {
  private static final String PUBLISHED = "published";

  static ItemRow created(Item.Created e, long version) {
    return new ItemRow(e.itemId(), e.title(), e.content(), e.status(), e.categoryId(), e.ownerId(), e.at(), e.at(), null,
        version, Slugs.of(e.title(), e.itemId()), PUBLISHED.equals(e.status()));
  }

  /** This row after a later event of the same item. */
  ItemRow apply(Item.Event event, long version) {
    if (event instanceof Item.Updated e) {
      // The slug follows the title until the item is first published, then stays.
      String newSlug = slugLocked ? slug : Slugs.of(e.title(), id);
      return new ItemRow(id, e.title(), e.content(), e.status(), e.categoryId(), ownerId, createdAt, e.at(), deletedAt,
          version, newSlug, slugLocked || PUBLISHED.equals(e.status()));
    } else if (event instanceof Item.CategoryDetached e) {
      return new ItemRow(id, title, content, status, null, ownerId, createdAt, e.at(), deletedAt, version, slug, slugLocked);
    } else if (event instanceof Item.Deleted e) {
      return new ItemRow(id, title, content, status, categoryId, ownerId, createdAt, e.at(), e.at(), version, slug, slugLocked);
    } else if (event instanceof Item.Restored e) {
      return new ItemRow(id, title, content, status, categoryId, ownerId, createdAt, e.at(), null, version, slug, slugLocked);
    } else if (event instanceof Item.Created) {
      throw new IllegalStateException("item " + id + " is created twice");
    }
    throw new IllegalArgumentException("items projection cannot handle " + event.getClass().getName());
  }
}
