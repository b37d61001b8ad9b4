package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blue/green rebuild of the items projection through the admin API, on a real node; verified
 * rebuilds of users and categories.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebuildIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;
  private static DataSource db;

  @BeforeAll
  static void start() throws Exception {
    // Looks at the registry every hour, but every 200 ms while a generation builds: every switch below
    // follows its rebuild within seconds only if a rebuild starts the quick looks.
    node = TestNode.start(dataDir, Users.withAdmin(Map.of(
        "tablecast.projections.rebuild.poll-interval", "1h",
        "tablecast.projections.rebuild.catch-up-poll-interval", "200ms")));
    api = Users.admin(node.api);
    db = node.node.database().dataSource();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonNode items() {
    return status().get("data").get(0);
  }

  private static JsonNode status() {
    Api.Response r = api.get("/admin/projections");
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private static List<String> createItems(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Api.Response r = api.post("/api/items",
          "{\"title\":\"Item " + i + "\",\"content\":\"c" + i + "\",\"tags\":[\"t" + i % 3 + "\"]}");
      assertEquals(201, r.status(), r.toString());
      ids.add(r.json().get("id").asText());
    }
    return ids;
  }

  /** The index definitions of a generation's schema, named without the schema. */
  private static List<String> indexes(String schema) throws Exception {
    return definitions(schema, "SELECT replace(indexdef, ? || '.', '') FROM pg_indexes WHERE schemaname = ? ORDER BY 1");
  }

  /**
   * New events keep coming while a rebuild adds its foreign keys: the key takes the referenced
   * table first, as the projection's writes do (items, then item_tags), so a writer holding items
   * finishes instead of deadlocking with it.
   */
  private static void foreignKeyIsAddedBesideAWriterWithoutADeadlock(String addForeignKey) throws Exception {
    try (var c = db.getConnection(); var s = c.createStatement()) {
      s.execute("ALTER TABLE items_g2.item_tags DROP CONSTRAINT item_tags_item_id_fkey");
    }
    try (var writer = db.getConnection()) {
      writer.setAutoCommit(false);
      UUID id = UUID.randomUUID();
      try (var ps = writer.prepareStatement("INSERT INTO items_g2.items (id, title, content, created_at, updated_at, version)"
          + " VALUES (?, 'w', 'w', now(), now(), 1)")) {
        ps.setObject(1, id);
        ps.executeUpdate();
      }
      CompletableFuture<Void> adding = CompletableFuture.runAsync(() -> {
        try (var c = db.getConnection(); var s = c.createStatement()) {
          s.execute(addForeignKey);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      eventually(WITHIN, () -> Tables.count(db,
          "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'items_g2.items'::regclass"), n -> n > 0);
      try (var ps = writer.prepareStatement("INSERT INTO items_g2.item_tags (item_id, tag) VALUES (?, 'w')")) {
        ps.setObject(1, id);
        ps.executeUpdate();
      }
      writer.rollback(); // the live generation keeps only rows from events
      adding.get(30, TimeUnit.SECONDS);
    }
    assertEquals(foreignKeys("items_g1"), foreignKeys("items_g2"));
  }

  /** The foreign keys of a generation's schema, named without the schema. */
  private static List<String> foreignKeys(String schema) throws Exception {
    return definitions(schema, "SELECT replace(conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid), ? || '.', '')"
        + " FROM pg_constraint WHERE contype = 'f' AND connamespace = ?::regnamespace ORDER BY 1");
  }

  /** A catalog query's one column, for a query that takes the schema twice (to strip it, to select by it). */
  private static List<String> definitions(String schema, String query) throws Exception {
    List<String> definitions = new ArrayList<>();
    try (var c = db.getConnection(); var ps = c.prepareStatement(query)) {
      ps.setString(1, schema);
      ps.setString(2, schema);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          definitions.add(rs.getString(1));
        }
      }
    }
    return definitions;
  }

  private static void caughtUp(long items) {
    eventually(WITHIN, () -> Tables.count(db, "SELECT count(*) FROM read.items"), n -> n == items);
    eventually(WITHIN, () -> items().get("lag_events").asLong(), lag -> lag == 0);
  }

  @Test
  @Order(1)
  void statusShowsTheLiveGenerationWithItsSlicesAndLag() {
    List<String> ids = createItems(30);
    api.patch("/api/items/" + ids.get(0), "{\"status\":\"published\"}");
    api.delete("/api/items/" + ids.get(1));
    caughtUp(30);
    JsonNode items = items();
    assertEquals("items", items.get("name").asText());
    assertEquals(1, items.get("generation").asInt());
    assertEquals("running", items.get("state").asText());
    assertEquals(0.0, items.get("lag_seconds").asDouble());
    assertEquals(32, items.get("events_total").asLong());
    assertEquals(4, items.get("slices").size());
    assertTrue(items.get("slices").get(0).get("key").asText().startsWith("item-"));
    assertTrue(items.get("failure").isNull());
    assertTrue(items.get("rebuild").isNull());
  }

  @Test
  @Order(2)
  void rebuildBuildsANewGenerationBesideTheLiveOneAndSwitchesWhenCaughtUp() throws Exception {
    long before = Tables.count(db, "SELECT count(*) FROM read.items");
    AtomicBoolean watching = new AtomicBoolean(true);
    AtomicLong smallest = new AtomicLong(Long.MAX_VALUE);
    Thread reader = new Thread(() -> {
      while (watching.get()) {
        smallest.accumulateAndGet(Tables.count(db, "SELECT count(*) FROM read.items"), Math::min);
      }
    });
    reader.start();
    try (CapturedLogs logs = CapturedLogs.start()) {
      Api.Response r = api.post("/admin/projections/items/rebuild", "");
      assertEquals(202, r.status(), r.toString());
      assertEquals("items", r.json().get("name").asText());
      assertEquals(2, r.json().get("generation").asInt());

      eventually(WITHIN, () -> items().get("generation").asInt(), g -> g == 2);
      // Nothing for an operator to look into: no warnings (a NOTICE of the migrations included).
      assertEquals(List.of(), logs.text().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList());
      // The catch-up inserted tags without a per-row foreign-key check.
      assertTrue(logs.text().lines().anyMatch(line ->
              line.contains("indexes and foreign keys built after the catch-up") && line.contains("item_tags_item_id_fkey")),
          logs.text());
      // Each deferred index and foreign key is logged with the time its build took.
      // Every index but the primary keys: the unique slug index too.
      List<String> deferred = definitions("items_g2", "SELECT indexname FROM pg_indexes WHERE schemaname IN (?, ?)"
          + " AND tablename <> 'flyway_schema_history' AND indexname NOT LIKE '%_pkey' ORDER BY 1");
      assertTrue(deferred.size() >= 9 && deferred.contains("items_slug_idx"), deferred.toString());
      for (String index : deferred) {
        assertTrue(logs.text().lines().anyMatch(line ->
                line.matches(".*Built in \\d+ ms: CREATE (UNIQUE )?INDEX " + index + " ON items_g2\\..*")),
            index + " in\n" + logs.text());
      }
      assertTrue(logs.text().lines().anyMatch(line -> line.matches(".*Built in \\d+ ms: .*ALTER TABLE items_g2\\.item_tags"
          + " ADD CONSTRAINT item_tags_item_id_fkey .*")), logs.text());
    }
    watching.set(false);
    reader.join();
    assertEquals(before, smallest.get(), "readers never saw an empty or half-built table");
    assertEquals(0, Tables.difference(db, "items_g1.items", "items_g2.items"), "the rebuild equals the incremental table");
    assertEquals(indexes("items_g1"), indexes("items_g2"), "the indexes deferred during the catch-up were all built before the switch");
    assertEquals(List.of("item_tags item_tags_item_id_fkey FOREIGN KEY (item_id) REFERENCES items(id)"), foreignKeys("items_g1"));
    assertEquals(foreignKeys("items_g1"), foreignKeys("items_g2"), "the foreign keys deferred during the catch-up were added before the switch");
    // A build cut short is finished by the next one: what exists already is skipped, not an error.
    String addForeignKey = DeferredIndexes.idempotent("LOCK TABLE items_g2.items IN SHARE ROW EXCLUSIVE MODE; "
        + "ALTER TABLE items_g2.item_tags ADD CONSTRAINT item_tags_item_id_fkey FOREIGN KEY (item_id) REFERENCES items_g2.items(id)");
    try (var c = db.getConnection(); var s = c.createStatement()) {
      s.execute(DeferredIndexes.idempotent("CREATE INDEX items_title_idx ON items_g2.items USING btree (title)"));
      s.execute(DeferredIndexes.idempotent("CREATE UNIQUE INDEX items_slug_idx ON items_g2.items USING btree (slug)"
          + " WHERE (deleted_at IS NULL)"));
      s.execute(addForeignKey);
    }
    assertEquals(indexes("items_g1"), indexes("items_g2"));
    assertEquals(foreignKeys("items_g1"), foreignKeys("items_g2"));
    foreignKeyIsAddedBesideAWriterWithoutADeadlock(addForeignKey);
    assertEquals(0, Tables.count(db, "SELECT count(*) FROM journal.projection_generation WHERE deferred_indexes IS NOT NULL"));
    // Live with the planner's statistics and a visibility map (too few rows here for autovacuum).
    assertTrue(Tables.count(db, "SELECT count(*) FROM pg_stats WHERE schemaname = 'items_g2' AND tablename = 'items'") > 0,
        "the new generation was analyzed before the switch");
    assertTrue(Tables.count(db, "SELECT relallvisible FROM pg_class WHERE oid = 'items_g2.items'::regclass") > 0,
        "the new generation was vacuumed before the switch");
    assertEquals("retired", Tables.text(db,
        "SELECT state FROM journal.projection_generation WHERE projection_name = 'items' AND generation = 1"));
    JsonNode items = eventually(WITHIN, RebuildIT::items, s -> s.get("state").asText().equals("running"));
    assertTrue(items.get("rebuild").isNull());

    // The retired generation keeps following: writes after the switch reach both.
    createItems(3);
    caughtUp(before + 3);
    eventually(WITHIN, () -> Tables.difference(db, "items_g1.items", "items_g2.items"), d -> d == 0);
  }

  @Test
  @Order(3)
  void onlyOneRebuildAtATime() {
    Api.Response first = api.post("/admin/projections/items/rebuild", "");
    assertEquals(202, first.status(), first.toString());
    Api.Response second = api.post("/admin/projections/items/rebuild", "");
    if (second.status() != 202) {
      assertEquals(409, second.status(), second.toString());
      assertTrue(second.contentType().startsWith("application/problem+json"));
    }
    eventually(WITHIN, () -> items().get("generation").asInt(), g -> g >= 3);
    eventually(WITHIN, () -> items().get("state").asText(), s -> s.equals("running"));
  }

  @Test
  @Order(4)
  void switchBackIsInstantAndDropRefusesTheLiveGeneration() {
    int live = items().get("generation").asInt();
    int previous = live - 1;
    Api.Response back = api.post("/admin/projections/items/switch?generation=" + previous, "");
    assertEquals(200, back.status(), back.toString());
    assertEquals(previous, items().get("generation").asInt());
    assertEquals("items_g" + previous, Tables.text(db,
        "SELECT view_definition FROM information_schema.views WHERE table_schema = 'read' AND table_name = 'items'")
        .replaceAll("(?s).*FROM (items_g\\d+)\\.items.*", "$1"));

    Api.Response dropLive = api.delete("/admin/projections/items/generations/" + previous);
    assertEquals(409, dropLive.status(), dropLive.toString());
    Api.Response drop = api.delete("/admin/projections/items/generations/" + live);
    assertEquals(204, drop.status(), drop.toString());
    assertEquals(0, Tables.count(db, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'items_g" + live + "'"));
    assertEquals(404, api.post("/admin/projections/items/switch?generation=" + live, "").status());
    // Retention (1 retired) dropped generation 1 when generation 3 went live.
    assertEquals("dropped", Tables.text(db,
        "SELECT state FROM journal.projection_generation WHERE projection_name = 'items' AND generation = 1"));
  }

  @Test
  @Order(5)
  void pauseStopsTheProjectionAndResumeCatchesUp() {
    long before = Tables.count(db, "SELECT count(*) FROM read.items");
    assertEquals(200, api.post("/admin/projections/items/pause", "").status());
    eventually(WITHIN, () -> items().get("state").asText(), s -> s.equals("paused"));
    createItems(5);
    eventually(WITHIN, () -> items().get("lag_events").asLong(), lag -> lag == 5);
    assertEquals(before, Tables.count(db, "SELECT count(*) FROM read.items"));
    assertEquals(200, api.post("/admin/projections/items/resume", "").status());
    caughtUp(before + 5);
    assertEquals("running", items().get("state").asText());
  }

  @Test
  @Order(6)
  void badRequestsAreProblems() {
    assertEquals(404, api.post("/admin/projections/nope/rebuild", "").status());
    assertEquals(404, api.get("/admin/projections/nope").status());
    Api.Response bad = api.post("/admin/projections/items/switch?generation=x", "");
    assertEquals(400, bad.status());
    assertTrue(bad.contentType().startsWith("application/problem+json"));
    assertEquals(404, api.delete("/admin/projections/items/generations/99").status());
  }

  @Test
  @Order(7)
  void schemaShowsJournalAndReadHistoriesSeparately() {
    Api.Response r = api.get("/admin/schema");
    assertEquals(200, r.status(), r.toString());
    JsonNode journal = r.json().get("journal");
    assertEquals("journal", journal.get("schema").asText());
    assertEquals(0, journal.get("pending").asInt());
    assertTrue(journal.get("migrations").size() >= 5);
    JsonNode read = r.json().get("read");
    assertTrue(read.size() >= 1);
    assertEquals("items", read.get(0).get("projection").asText());
    assertTrue(read.get(0).get("history").get("schema").asText().startsWith("items_g"));
    assertEquals(0, read.get(0).get("history").get("pending").asInt());
  }

  @Test
  @Order(8)
  void verifiedRebuildSwitchesWhenEqualAndRefusesWhenTheDataDiffers() {
    int live = items().get("generation").asInt();
    Api.Response equal = api.post("/admin/projections/items/rebuild?verify=true", "");
    assertEquals(202, equal.status(), equal.toString());
    int verified = equal.json().get("generation").asInt();
    eventually(WITHIN, () -> items().get("generation").asInt(), g -> g == verified);

    // Someone changed the live table behind the projection's back: a verified rebuild must notice.
    Tables.execute(db, "UPDATE items_g" + verified + ".items SET content = 'tampered' WHERE id = (SELECT id FROM items_g"
        + verified + ".items ORDER BY id LIMIT 1)");
    Api.Response differs = api.post("/admin/projections/items/rebuild?verify=true", "");
    assertEquals(202, differs.status(), differs.toString());
    int refused = differs.json().get("generation").asInt();
    JsonNode rebuild = eventually(WITHIN, () -> items().get("rebuild"),
        r -> !r.isNull() && !r.get("verify_result").isNull()).deepCopy();
    assertEquals(refused, rebuild.get("generation").asInt());
    assertTrue(rebuild.get("verify_result").asText().contains("items"), rebuild.toString());
    assertEquals(verified, items().get("generation").asInt(), "a refused rebuild is not switched in");
    assertEquals(204, api.delete("/admin/projections/items/generations/" + refused).status());
    eventually(WITHIN, () -> items().get("state").asText(), s -> s.equals("running"));
    assertTrue(live < verified);
  }

  @Test
  @Order(9)
  void deletingACategoryDetachesItsItemsAfterTheLiveGenerationChangedAndTheFirstWasDropped() {
    // By now generation 1, live when this node started, is dropped and another one is live.
    assertEquals("dropped", Tables.text(db,
        "SELECT state FROM journal.projection_generation WHERE projection_name = 'items' AND generation = 1"));
    Api.Response category = api.post("/api/categories", "{\"name\":\"rebuilt-" + System.nanoTime() + "\"}");
    assertEquals(201, category.status(), category.toString());
    String categoryId = category.json().get("id").asText();
    Api.Response item = api.post("/api/items",
        "{\"title\":\"in a category\",\"content\":\"c\",\"category_id\":\"" + categoryId + "\"}");
    assertEquals(201, item.status(), item.toString());
    String itemId = item.json().get("id").asText();
    eventually(WITHIN, () -> api.get("/api/items/" + itemId), r -> r.status() == 200);

    assertEquals(200, api.delete("/api/categories/" + categoryId).status());
    eventually(WITHIN, () -> api.get("/api/items/" + itemId).json().get("category_id"), JsonNode::isNull);
  }

  @Test
  @Order(10)
  void verifiedRebuildsOfUsersAndCategoriesWriteTheRowsTheLiveGenerationsHold() {
    // The rebuild's catch-up reads this history in one batch: an email and a name given up and
    // taken again, and two names swapped through a third.
    String email = Users.uniqueEmail("reused");
    String gone = Users.register(api, email).get("id").asText();
    assertEquals(200, api.delete("/api/users/" + gone).status());
    String reuser = Users.register(api, email).get("id").asText();
    assertEquals(200, api.patch("/api/users/" + reuser, "{\"roles\":[\"editor\",\"user\"]}").status());
    String n = "swap-" + System.nanoTime();
    String left = createCategory(n + "-left");
    String right = createCategory(n + "-right");
    renameCategory(left, n + "-middle");
    renameCategory(right, n + "-left");
    renameCategory(left, n + "-right");
    String dropped = createCategory(n + "-reused");
    assertEquals(200, api.delete("/api/categories/" + dropped).status());
    String reused = createCategory(n + "-reused");

    for (String name : List.of("users", "categories")) {
      Api.Response r = api.post("/admin/projections/" + name + "/rebuild?verify=true", "");
      assertEquals(202, r.status(), r.toString());
      int rebuilt = r.json().get("generation").asInt();
      JsonNode status = eventually(WITHIN, () -> projection(name), p -> p.get("generation").asInt() == rebuilt
          || !p.get("rebuild").isNull() && !p.get("rebuild").get("verify_result").isNull());
      assertEquals(rebuilt, status.get("generation").asInt(), "the rebuilt rows equal the live ones: " + status);
    }
    assertEquals("editor,user", Tables.text(db, "SELECT string_agg(role, ',' ORDER BY role) FROM read.user_roles"
        + " WHERE user_id = '" + reuser + "'"));
    assertEquals(2, Tables.count(db, "SELECT count(*) FROM read.users WHERE email = '" + email + "'"));
    assertEquals(n + "-right", Tables.text(db, "SELECT name FROM read.categories WHERE id = '" + left + "'"));
    assertEquals(n + "-left", Tables.text(db, "SELECT name FROM read.categories WHERE id = '" + right + "'"));
    assertEquals(n + "-reused", Tables.text(db, "SELECT name FROM read.categories WHERE id = '" + reused + "'"));
  }

  private static JsonNode projection(String name) {
    for (JsonNode p : status().get("data")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no projection " + name + " in " + status());
  }

  private static String createCategory(String name) {
    Api.Response r = api.post("/api/categories", "{\"name\":\"" + name + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static void renameCategory(String id, String name) {
    Api.Response r = api.patch("/api/categories/" + id, "{\"name\":\"" + name + "\"}");
    assertEquals(200, r.status(), r.toString());
  }
}
