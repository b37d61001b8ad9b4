package io.tablecast.category;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The categories projection's fold, without a database: given a category's events, expect its row. */
class CategoryRowTest {
  private static final UUID ID = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c");
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static CategoryRow created() {
    return CategoryRow.created(new Category.Created(ID, "Engines", "Analytical", T0, null), 1);
  }

  private static Category.Updated updated(String name, String description, int second) {
    return new Category.Updated(ID, name, description, List.of("name", "description"), at(second), null);
  }

  @Test
  void aCreatedCategorysRowTakesItsTimesFromTheEventAndItsVersionFromTheSequenceNumber() {
    CategoryRow row = created();
    assertEquals(new CategoryRow(ID, "Engines", "Analytical", T0, T0, null, 1), row);
  }

  @Test
  void anUpdateReplacesNameAndDescriptionAndKeepsTheCreation() {
    CategoryRow row = created().apply(updated("Looms", null, 5), 2);
    assertEquals(new CategoryRow(ID, "Looms", null, T0, at(5), null, 2), row);
  }

  @Test
  void anUpdateOfADeletedCategoryKeepsItDeleted() {
    CategoryRow deleted = created().apply(new Category.Deleted(ID, "Engines", at(3), null), 2);
    CategoryRow row = deleted.apply(updated("Looms", "Jacquard", 4), 3);
    assertEquals(new CategoryRow(ID, "Looms", "Jacquard", T0, at(4), at(3), 3), row);
  }

  @Test
  void deleteAndRestoreSetAndClearDeletedAtAndKeepTheFields() {
    CategoryRow deleted = created().apply(new Category.Deleted(ID, "Engines", at(7), null), 2);
    assertEquals(new CategoryRow(ID, "Engines", "Analytical", T0, at(7), at(7), 2), deleted);
    CategoryRow restored = deleted.apply(new Category.Restored(ID, at(9), null), 3);
    assertEquals(new CategoryRow(ID, "Engines", "Analytical", T0, at(9), null, 3), restored);
  }

  @Test
  void aVoidedEventLeavesTheRowAsItIs() {
    CategoryRow row = created();
    assertSame(row, row.apply(new Category.Voided(ID, at(1), null), 2));
  }

  @Test
  void aSecondCreationIsAFault() {
    CategoryRow row = created();
    Category.Created again = new Category.Created(ID, "Other", null, at(1), null);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> row.apply(again, 2));
    assertEquals("category " + ID + " is created twice", e.getMessage());
  }

  @Test
  void aLiveCategoryHoldsItsNameForTheUniqueIndexAndADeletedOneNone() {
    CategoryRow row = created();
    assertEquals("Engines", row.liveName());
    CategoryRow deleted = row.apply(new Category.Deleted(ID, "Engines", at(1), null), 2);
    assertNull(deleted.liveName());
    assertEquals("Engines", deleted.apply(new Category.Restored(ID, at(2), null), 3).liveName());
  }

  @Test
  void theSameEventsFoldIntoTheSameRow() {
    CategoryRow once = created().apply(updated("A", "a", 1), 2).apply(new Category.Deleted(ID, "A", at(2), null), 3);
    CategoryRow twice = created().apply(updated("A", "a", 1), 2).apply(new Category.Deleted(ID, "A", at(2), null), 3);
    assertEquals(once, twice);
  }
}
