package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The items projection's fold, without a database: given an item's events, expect its row. */
class ItemRowTest {
  private static final UUID ID = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
  private static final UUID OWNER = UUID.randomUUID();
  private static final UUID CATEGORY = UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static ItemRow created(String status) {
    return ItemRow.created(new Item.Created(ID, "Hello World", "c", status, CATEGORY, OWNER, List.of(), T0, null), 1);
  }

  private static Item.Updated updated(String title, String status, int second) {
    return new Item.Updated(ID, title, "c2", status, CATEGORY, List.of(), List.of("title"), at(second), null);
  }

  @Test
  void aCreatedItemsRowTakesItsTimesFromTheEventAndItsVersionFromTheSequenceNumber() {
    ItemRow row = created("draft");
    assertEquals(ID, row.id());
    assertEquals("Hello World", row.title());
    assertEquals(OWNER, row.ownerId());
    assertEquals(CATEGORY, row.categoryId());
    assertEquals(T0, row.createdAt());
    assertEquals(T0, row.updatedAt());
    assertNull(row.deletedAt());
    assertEquals(1, row.version());
    assertEquals(Slugs.of("Hello World", ID), row.slug());
    assertFalse(row.slugLocked());
  }

  @Test
  void anUpdateReplacesTheFieldsAndKeepsCreationAndOwner() {
    ItemRow row = created("draft").apply(updated("Second", "draft", 5), 2);
    assertEquals("Second", row.title());
    assertEquals("c2", row.content());
    assertEquals(T0, row.createdAt());
    assertEquals(at(5), row.updatedAt());
    assertEquals(OWNER, row.ownerId());
    assertEquals(2, row.version());
  }

  @Test
  void theSlugFollowsTheTitleUntilTheItemIsFirstPublishedThenStays() {
    ItemRow draft = created("draft").apply(updated("Draft Title", "draft", 1), 2);
    assertEquals(Slugs.of("Draft Title", ID), draft.slug());
    ItemRow published = draft.apply(updated("Published Title", "published", 2), 3);
    assertEquals(Slugs.of("Published Title", ID), published.slug());
    assertTrue(published.slugLocked());
    ItemRow renamed = published.apply(updated("Renamed Later", "archived", 3), 4);
    assertEquals(Slugs.of("Published Title", ID), renamed.slug());
    assertTrue(renamed.slugLocked());
  }

  @Test
  void anItemCreatedPublishedHasItsSlugLockedAtOnce() {
    ItemRow row = created("published").apply(updated("Other", "published", 1), 2);
    assertEquals(Slugs.of("Hello World", ID), row.slug());
  }

  @Test
  void deleteAndRestoreSetAndClearDeletedAt() {
    ItemRow deleted = created("draft").apply(new Item.Deleted(ID, at(7), null, OWNER, false, null), 2);
    assertEquals(at(7), deleted.deletedAt());
    assertEquals(at(7), deleted.updatedAt());
    assertEquals("Hello World", deleted.title());
    ItemRow restored = deleted.apply(new Item.Restored(ID, at(9), null), 3);
    assertNull(restored.deletedAt());
    assertEquals(at(9), restored.updatedAt());
    assertEquals(3, restored.version());
  }

  @Test
  void aDetachedCategoryIsCleared() {
    ItemRow row = created("draft").apply(new Item.CategoryDetached(ID, CATEGORY, at(3), null), 2);
    assertNull(row.categoryId());
    assertEquals(at(3), row.updatedAt());
    assertEquals("Hello World", row.title());
  }

  @Test
  void aSecondCreationIsAFault() {
    ItemRow row = created("draft");
    Item.Created again = new Item.Created(ID, "x", "c", "draft", null, OWNER, List.of(), T0, null);
    assertThrows(IllegalStateException.class, () -> row.apply(again, 2));
  }

  @Test
  void theSameEventsFoldIntoTheSameRow() {
    ItemRow once = created("draft").apply(updated("A", "published", 1), 2).apply(new Item.Deleted(ID, at(2), null, null, false, null), 3);
    ItemRow twice = created("draft").apply(updated("A", "published", 1), 2).apply(new Item.Deleted(ID, at(2), null, null, false, null), 3);
    assertEquals(once, twice);
  }
}
