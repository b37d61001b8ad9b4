package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.support.WriteLoad;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
      for (int i = 0; i < 20; i++) {
        assertEquals(201, admin.post("/api/items", "{\"title\":\"before " + i + "\",\"content\":\"c\"}").status());
      }
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
      for (int i = 0; i < 20; i++) {
        assertEquals(201, admin.post("/api/items", "{\"title\":\"after " + i + "\",\"content\":\"c\"}").status());
      }
      eventually(WITHIN, () -> generation(admin), g -> g == 2);
      assertTrue(!logs.text().contains(PAGED), "no instance of generation 2 read pages");
      try (Connection c = db.getConnection()) {
        eventually(WITHIN, () -> differences(c), List::isEmpty);
      }
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
      for (int i = 0; i < 20; i++) {
        assertEquals(201, admin.post("/api/items", "{\"title\":\"paused " + i + "\",\"content\":\"c\"}").status());
      }
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
