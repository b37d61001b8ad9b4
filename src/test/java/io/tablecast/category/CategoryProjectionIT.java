package io.tablecast.category;

import static io.tablecast.support.ReadTables.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.projection.eventsourced.EventEnvelope;
import io.tablecast.support.ReadTables;
import io.tablecast.support.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The categories projection on its real table: a batch writes the rows that one event at a time
 * writes, whatever its boundaries, and a name given up and taken again within one batch keeps the
 * live-name unique index.
 */
class CategoryProjectionIT {
  private static ReadTables tables;

  @BeforeAll
  static void start() throws Exception {
    tables = ReadTables.start();
  }

  @AfterAll
  static void stop() throws Exception {
    tables.close();
  }

  private static ReadTables.History<Category.Event> history() {
    return new ReadTables.History<>("Category", Category.Event::categoryId);
  }

  private static Category.Created created(UUID id, String name, int second) {
    return new Category.Created(id, name, "about " + name, at(second), null);
  }

  private static Category.Updated renamed(UUID id, String name, int second) {
    return new Category.Updated(id, name, "about " + name, List.of("name", "description"), at(second), null);
  }

  private static Category.Deleted deleted(UUID id, String name, int second) {
    return new Category.Deleted(id, name, at(second), null);
  }

  private static String row(String schema, UUID id) {
    return Tables.text(tables.db, "SELECT name || '|' || coalesce(description, '-') || '|' || created_at || '|' || updated_at"
        + " || '|' || coalesce(deleted_at::text, 'live') || '|' || version FROM " + schema + ".categories WHERE id = '" + id + "'");
  }

  @Test
  void aBatchWritesTheRowsThatOneEventAtATimeWritesWhateverItsBoundaries() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID c = UUID.randomUUID();
    UUID d = UUID.randomUUID();
    ReadTables.History<Category.Event> history = history();
    List<EventEnvelope<Category.Event>> events = new ArrayList<>(history.next(
        created(a, "Engines", 1), created(b, "Looms", 2), created(c, "Tools", 3),
        new Category.Updated(a, "Engines", null, List.of("description"), at(4), null),
        deleted(b, "Looms", 5), new Category.Restored(b, at(6), null),
        deleted(c, "Tools", 7), created(d, "tools", 8),
        renamed(a, "Machines", 9), renamed(b, "Engines", 10),
        new Category.Voided(UUID.randomUUID(), at(11), null),
        renamed(a, "Spare", 12), renamed(d, "Machines", 13), renamed(a, "Tools", 14)));
    String one = tables.newSchema("categories");
    String whole = tables.newSchema("categories");
    String threes = tables.newSchema("categories");
    tables.generation(CategoryProjection.definition(), one).write(events, 1);
    tables.generation(CategoryProjection.definition(), whole).write(events);
    tables.generation(CategoryProjection.definition(), threes).write(events, 3);

    assertEquals(0, Tables.difference(tables.db, one + ".categories", whole + ".categories"));
    assertEquals(0, Tables.difference(tables.db, one + ".categories", threes + ".categories"));
    assertEquals(4, Tables.count(tables.db, "SELECT count(*) FROM " + whole + ".categories"), "a voided id has no row");
    assertEquals("Tools|about Tools|" + ts(1) + "|" + ts(14) + "|live|5", row(whole, a));
    assertEquals("Engines|about Engines|" + ts(2) + "|" + ts(10) + "|live|4", row(whole, b));
    assertEquals("Tools|about Tools|" + ts(3) + "|" + ts(7) + "|" + ts(7) + "|2", row(whole, c));
    assertEquals("Machines|about Machines|" + ts(8) + "|" + ts(13) + "|live|2", row(whole, d));
  }

  @Test
  void aNameGivenUpIsTakenByAnotherCategoryInTheSameBatch() throws Exception {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    ReadTables.History<Category.Event> history = history();
    String schema = tables.newSchema("categories");
    ReadTables.Generation<Category.Event> generation = tables.generation(CategoryProjection.definition(), schema);
    generation.write(history.next(created(first, "Chairs", 1)));
    generation.write(history.next(deleted(first, "Chairs", 2), created(second, "CHAIRS", 3)));
    assertEquals("Chairs|about Chairs|" + ts(1) + "|" + ts(2) + "|" + ts(2) + "|2", row(schema, first));
    assertEquals("CHAIRS|about CHAIRS|" + ts(3) + "|" + ts(3) + "|live|1", row(schema, second));
  }

  @Test
  void namesSwappedThroughAThirdInOneBatchKeepTheIndex() throws Exception {
    UUID left = UUID.randomUUID();
    UUID right = UUID.randomUUID();
    ReadTables.History<Category.Event> history = history();
    String schema = tables.newSchema("categories");
    ReadTables.Generation<Category.Event> generation = tables.generation(CategoryProjection.definition(), schema);
    generation.write(history.next(created(left, "Left", 1), created(right, "Right", 2)));
    generation.write(history.next(renamed(left, "Middle", 3), renamed(right, "Left", 4), renamed(left, "Right", 5)));
    assertEquals("Right|about Right|" + ts(1) + "|" + ts(5) + "|live|3", row(schema, left));
    assertEquals("Left|about Left|" + ts(2) + "|" + ts(4) + "|live|2", row(schema, right));
  }

  @Test
  void eventsOfACategoryWithoutARowWriteNothing() throws Exception {
    UUID never = UUID.randomUUID();
    String schema = tables.newSchema("categories");
    tables.generation(CategoryProjection.definition(), schema).write(history().next(
        new Category.Voided(never, at(1), null), renamed(never, "Ghost", 2)));
    assertEquals(0, Tables.count(tables.db, "SELECT count(*) FROM " + schema + ".categories"));
  }

  /** An instant as the table's text shows it. */
  private static String ts(int second) {
    return Tables.text(tables.db, "SELECT '" + at(second) + "'::timestamptz::text");
  }
}
