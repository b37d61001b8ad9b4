package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import io.tablecast.EventTime;
import io.tablecast.Settings;
import io.tablecast.item.Item;
import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.support.WriteLoad;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A projection instance far behind the journal reads it in pages itself, then follows with
 * eventsByTag. Here every instance takes that path (any lag counts as far behind) with tiny pages,
 * while clients keep writing: the rebuilt table must hold every acknowledged write exactly once.
 */
class JournalCatchUpIT {
  private static final Duration WITHIN = Duration.ofSeconds(90);
  private static final String PAGED = "items-g2-item-0 is ";

  @TempDir Path dataDir;

  private TestNode start(String lockTimeout) throws Exception {
    return TestNode.start(dataDir, Users.withAdmin(Map.of(
        "tablecast.projections.rebuild.poll-interval", "200ms",
        "tablecast.projections.catch-up.after-events", 0,
        "tablecast.projections.catch-up.page-size", 7,
        "tablecast.projections.catch-up.lock-timeout", lockTimeout)));
  }

  @Test
  void aRebuildUnderWriteLoadReadsTheJournalInPagesAndSkipsNothing() throws Exception {
    try (CapturedLogs logs = CapturedLogs.start(); TestNode node = start("5s")) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      WriteLoad load = WriteLoad.start(8, () -> node.admin());
      eventually(WITHIN, load::acknowledgedWrites, n -> n >= 200);
      assertEquals(202, admin.post("/admin/projections/items/rebuild", "").status());
      long atRebuild = load.acknowledgedWrites();
      eventually(WITHIN, load::acknowledgedWrites, n -> n >= atRebuild + 200);
      load.close();
      assertTrue(load.unexpected.isEmpty(), load.unexpected.toString());

      eventually(WITHIN, () -> generation(admin), g -> g == 2);
      assertTrue(logs.text().contains(PAGED), "generation 2 caught up from journal pages");
      try (Connection c = db.getConnection()) {
        assertEquals(List.of(), JournalAudit.missingFromJournal(c, load.acknowledged));
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
    }
  }

  @Test
  void aWriteHeldOpenLongerThanTheLockTimeoutMakesTheInstanceFollowWithEventsByTagInstead() throws Exception {
    try (CapturedLogs logs = CapturedLogs.start(); TestNode node = start("300ms")) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      createItems(admin, "before");
      try (Connection inFlight = db.getConnection()) {
        // A journal write in flight: it holds the table's ROW EXCLUSIVE lock until it ends.
        inFlight.setAutoCommit(false);
        try (Statement s = inFlight.createStatement()) {
          s.execute("LOCK TABLE journal.event_journal IN ROW EXCLUSIVE MODE");
        }
        assertEquals(202, admin.post("/admin/projections/items/rebuild", "").status());
        eventually(WITHIN, logs::text, text -> text.contains("items-g2-item-0: no catch-up end within"));
        inFlight.rollback();
      }
      createItems(admin, "after");
      eventually(WITHIN, () -> generation(admin), g -> g == 2);
      assertTrue(!logs.text().contains(PAGED), "no instance of generation 2 read pages");
      try (Connection c = db.getConnection()) {
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
    }
  }

  /**
   * Autovacuum holds SHARE UPDATE EXCLUSIVE on the journal table while it vacuums it; the catch-up
   * must not wait for that (a share lock on the table would, and an anti-wraparound vacuum is
   * never cancelled for it). Here a session holds that lock for the whole rebuild.
   */
  @Test
  void aVacuumOfTheJournalDoesNotHoldUpTheCatchUp() throws Exception {
    try (CapturedLogs logs = CapturedLogs.start(); TestNode node = start("300ms")) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      createItems(admin, "before");
      try (Connection vacuum = db.getConnection()) {
        vacuum.setAutoCommit(false);
        try (Statement s = vacuum.createStatement()) {
          s.execute("LOCK TABLE journal.event_journal IN SHARE UPDATE EXCLUSIVE MODE");
        }
        assertEquals(202, admin.post("/admin/projections/items/rebuild", "").status());
        eventually(WITHIN, () -> generation(admin), g -> g == 2);
        vacuum.rollback();
      }
      assertTrue(logs.text().contains(PAGED), "generation 2 caught up from journal pages");
      assertTrue(!logs.text().contains("no catch-up end within"), "no instance gave up its catch-up");
      try (Connection c = db.getConnection()) {
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
    }
  }

  /**
   * A write that drew its journal position before the journal's highest one but has not committed
   * yet: the catch-up's pages must not end past it before it commits, or its event would be read
   * by neither the pages nor eventsByTag (which starts after them).
   */
  @Test
  void theCatchUpWaitsForAWriteInFlightBelowTheJournalsEnd() throws Exception {
    try (CapturedLogs logs = CapturedLogs.start(); TestNode node = start("60s")) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      createItems(admin, "before");
      UUID held = UUID.randomUUID();
      try (Connection inFlight = db.getConnection()) {
        inFlight.setAutoCommit(false);
        appendCreated(node, inFlight, held, "held in flight");
        assertEquals(201, admin.post("/api/items", "{\"title\":\"after\",\"content\":\"c\"}").status());
        assertEquals(202, admin.post("/admin/projections/items/rebuild", "").status());
        // Until the catch-ups ask whether the write is still in flight, or (wrongly) read pages.
        String waiting = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%virtualtransaction = ANY%'"
            + " AND query NOT LIKE '%pg_stat_activity%'";
        eventually(WITHIN, () -> logs.text().contains(PAGED) || Tables.count(db, waiting) > 0, started -> started);
        assertTrue(!logs.text().contains(PAGED), "no instance read pages while the write was in flight");
        inFlight.commit();
      }
      eventually(WITHIN, () -> generation(admin), g -> g == 2);
      assertTrue(logs.text().contains(PAGED), "generation 2 caught up from journal pages");
      Api.Response item = admin.get("/api/items/" + held);
      assertEquals(200, item.status(), item.toString());
      assertEquals("held in flight", item.json().get("title").asText());
      try (Connection c = db.getConnection()) {
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
    }
  }

  /** Appends an item's Created event to the journal in {@code c}'s transaction, tagged as the aggregate tags it. */
  private static void appendCreated(TestNode node, Connection c, UUID id, String title) throws Exception {
    Item.Created event = new Item.Created(id, title, "c", "draft", null, null, List.of(), EventTime.now(), null);
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(node.node.system()));
    Serializer serializer = serialization.findSerializerFor(event);
    try (PreparedStatement journal = c.prepareStatement(
            "INSERT INTO journal.event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest,"
                + " event_ser_id, event_ser_manifest, event_payload) VALUES (?, 1, 'test', ?, '', ?, ?, ?)");
        PreparedStatement tag = c.prepareStatement(
            "INSERT INTO journal.event_tag (event_id, tag) VALUES (currval('journal.event_journal_ordering_seq'), ?)")) {
      journal.setString(1, Item.ENTITY_TYPE_KEY.name() + "|" + id);
      journal.setLong(2, event.at().toEpochMilli());
      journal.setInt(3, serializer.identifier());
      journal.setString(4, Serializers.manifestFor(serializer, event));
      journal.setBytes(5, serializer.toBinary(event));
      journal.executeUpdate();
      int slices = Settings.from(node.node.system().settings().config()).projections().slices();
      tag.setString(1, Item.TAG_PREFIX + "-" + Math.floorMod(id.toString().hashCode(), slices));
      tag.executeUpdate();
    }
  }

  /**
   * A live generation that catches up from journal pages (here: resumed after a pause) is vacuumed
   * and analyzed once it has committed them, so its queries have the planner's statistics at once.
   * The table is too small for autovacuum (20 rows): nothing else gives it statistics.
   */
  @Test
  void aLiveGenerationThatCaughtUpFromPagesIsVacuumedAndAnalyzed() throws Exception {
    try (TestNode node = start("5s")) {
      Api admin = node.admin();
      DataSource db = node.node.database().dataSource();
      assertEquals(200, admin.post("/admin/projections/items/pause", "").status());
      createItems(admin, "paused");
      String statistics = "SELECT count(*) FROM pg_stats WHERE schemaname = 'items_g1' AND tablename = 'items'";
      assertEquals(0, Tables.count(db, statistics), "no statistics while the rows are not projected");
      assertEquals(200, admin.post("/admin/projections/items/resume", "").status());

      try (Connection c = db.getConnection()) {
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
      eventually(WITHIN, () -> Tables.count(db, statistics), n -> n > 0);
      eventually(WITHIN, () -> Tables.count(db, "SELECT relallvisible FROM pg_class WHERE oid = 'items_g1.items'::regclass"),
          pages -> pages > 0);
    }
  }

  /** Creates 20 items titled "{prefix} 0" to "{prefix} 19" (each acknowledged: 201). */
  private static void createItems(Api admin, String prefix) {
    for (int i = 0; i < 20; i++) {
      assertEquals(201, admin.post("/api/items", "{\"title\":\"" + prefix + " " + i + "\",\"content\":\"c\"}").status());
    }
  }

  private static List<String> differences(Connection c) {
    try {
      return JournalAudit.readTableDifferences(c);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int generation(Api admin) {
    Api.Response r = admin.get("/admin/projections/items");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("generation").asInt();
  }
}
