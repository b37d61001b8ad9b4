package io.tablecast.user;

import static io.tablecast.support.ReadTables.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import akka.projection.eventsourced.EventEnvelope;
import io.tablecast.support.ReadTables;
import io.tablecast.support.Tables;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The users projection on its real tables: a batch writes the rows and roles that one event at a
 * time writes, whatever its boundaries; an email given up and taken again within one batch keeps
 * the live-email unique index; a user's roles are rewritten only when they changed.
 */
class UserProjectionIT {
  private static ReadTables tables;

  @BeforeAll
  static void start() throws Exception {
    tables = ReadTables.start();
  }

  @AfterAll
  static void stop() throws Exception {
    tables.close();
  }

  private static ReadTables.History<User.Event> history() {
    return new ReadTables.History<>("User", User.Event::userId);
  }

  private static User.Registered registered(UUID id, String email, String name, int second) {
    return new User.Registered(id, email, "hash", name, List.of("user"), at(second), null);
  }

  private static User.Updated updated(UUID id, String name, boolean active, List<String> roles, List<String> changed,
      int second) {
    return new User.Updated(id, name, "hash", active, roles, changed, at(second), null);
  }

  private static String row(String schema, UUID id) {
    return Tables.text(tables.db, "SELECT email || '|' || full_name || '|' || coalesce(display_name, '-') || '|' || is_active"
        + " || '|' || coalesce(deleted_at::text, 'live') || '|' || version || '|' || (SELECT string_agg(role, ',' ORDER BY role)"
        + " FROM " + schema + ".user_roles WHERE user_id = u.id) FROM " + schema + ".users u WHERE id = '" + id + "'");
  }

  private static String rolesWrittenBy(String schema, UUID id) {
    return Tables.text(tables.db, "SELECT string_agg(xmin::text, ',' ORDER BY role) FROM " + schema
        + ".user_roles WHERE user_id = '" + id + "'");
  }

  @Test
  void aBatchWritesTheRowsAndRolesThatOneEventAtATimeWritesWhateverItsBoundaries() throws Exception {
    UUID ada = UUID.randomUUID();
    UUID grace = UUID.randomUUID();
    UUID alan = UUID.randomUUID();
    UUID newcomer = UUID.randomUUID();
    List<EventEnvelope<User.Event>> events = history().next(
        registered(ada, "ada@example.com", "Ada Lovelace", 1), registered(grace, "grace@example.com", "Grace Hopper", 2),
        registered(alan, "alan@example.com", "Alan Turing", 3),
        updated(ada, "Augusta Ada King", true, List.of("user"), List.of("full_name"), 4),
        updated(ada, "Augusta Ada King", true, List.of("editor", "user"), List.of("roles"), 5),
        new User.Deleted(grace, at(6), null), registered(newcomer, "grace@example.com", "Grace", 7),
        new User.Deleted(alan, at(8), null), new User.Restored(alan, at(9), null),
        updated(alan, "Alan Turing", false, List.of("admin"), List.of("is_active", "roles"), 10),
        new User.Voided(UUID.randomUUID(), at(11), null));
    String one = tables.newSchema("users");
    String whole = tables.newSchema("users");
    String threes = tables.newSchema("users");
    tables.generation(UserProjection.definition(), one).write(events, 1);
    tables.generation(UserProjection.definition(), whole).write(events);
    tables.generation(UserProjection.definition(), threes).write(events, 3);

    for (String other : List.of(whole, threes)) {
      assertEquals(0, Tables.difference(tables.db, one + ".users", other + ".users"));
      assertEquals(0, Tables.difference(tables.db, one + ".user_roles", other + ".user_roles"));
    }
    assertEquals(4, Tables.count(tables.db, "SELECT count(*) FROM " + whole + ".users"), "a voided id has no row");
    assertEquals("ada@example.com|Augusta Ada King|Augusta K.|true|live|3|editor,user", row(whole, ada));
    assertEquals("grace@example.com|Grace Hopper|Grace H.|true|" + ts(6) + "|2|user", row(whole, grace));
    assertEquals("grace@example.com|Grace|Grace|true|live|1|user", row(whole, newcomer));
    assertEquals("alan@example.com|Alan Turing|Alan T.|false|live|4|admin", row(whole, alan));
  }

  @Test
  void anEmailGivenUpIsTakenByAnotherUserInTheSameBatch() throws Exception {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    ReadTables.History<User.Event> history = history();
    String schema = tables.newSchema("users");
    ReadTables.Generation<User.Event> generation = tables.generation(UserProjection.definition(), schema);
    generation.write(history.next(registered(first, "same@example.com", "First One", 1)));
    generation.write(history.next(new User.Deleted(first, at(2), null), registered(second, "same@example.com", "Second", 3),
        updated(second, "Second", true, List.of("admin", "user"), List.of("roles"), 4)));
    assertEquals("same@example.com|First One|First O.|true|" + ts(2) + "|2|user", row(schema, first));
    assertEquals("same@example.com|Second|Second|true|live|2|admin,user", row(schema, second));
  }

  @Test
  void aUsersRolesAreRewrittenOnlyWhenTheyChanged() throws Exception {
    UUID id = UUID.randomUUID();
    ReadTables.History<User.Event> history = history();
    String schema = tables.newSchema("users");
    ReadTables.Generation<User.Event> generation = tables.generation(UserProjection.definition(), schema);
    generation.write(history.next(registered(id, "roles@example.com", "Role Model", 1)));
    String registeredRoles = rolesWrittenBy(schema, id);

    generation.write(history.next(updated(id, "Role Model Two", true, List.of("user"), List.of("full_name"), 2),
        new User.Deleted(id, at(3), null), new User.Restored(id, at(4), null)));
    assertEquals(registeredRoles, rolesWrittenBy(schema, id), "no role changed");

    generation.write(history.next(updated(id, "Role Model Two", true, List.of("editor", "user"), List.of("roles"), 5),
        updated(id, "Role Model Two", true, List.of("user"), List.of("roles"), 6)));
    assertEquals(registeredRoles, rolesWrittenBy(schema, id), "roles changed and changed back within the batch");

    generation.write(history.next(updated(id, "Role Model Two", true, List.of("editor", "user"), List.of("roles"), 7)));
    assertNotEquals(registeredRoles, rolesWrittenBy(schema, id));
    assertEquals("roles@example.com|Role Model Two|Role T.|true|live|7|editor,user", row(schema, id));
  }

  @Test
  void eventsOfAUserWithoutARowWriteNothing() throws Exception {
    UUID never = UUID.randomUUID();
    String schema = tables.newSchema("users");
    tables.generation(UserProjection.definition(), schema).write(history().next(
        new User.Voided(never, at(1), null), updated(never, "Ghost", true, List.of("admin"), List.of("roles"), 2)));
    assertEquals(0, Tables.count(tables.db, "SELECT count(*) FROM " + schema + ".users"));
    assertEquals(0, Tables.count(tables.db, "SELECT count(*) FROM " + schema + ".user_roles"));
  }

  /** An instant as the table's text shows it. */
  private static String ts(int second) {
    return Tables.text(tables.db, "SELECT '" + at(second) + "'::timestamptz::text");
  }
}
