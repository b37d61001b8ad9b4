package io.tablecast.fault;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.JournalAudit;
import io.tablecast.support.Users;
import io.tablecast.support.TestNode;
import io.tablecast.support.WriteLoad;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gaps in the journal's ordering column while 16 clients write: inserts into event_journal that
 * stay open for up to a few seconds and then roll back (an ordering value is taken, then vanishes,
 * while later events commit), one held past the read journal's gap timeout, and ordering values
 * taken and never used; and real events whose insert commits up to three seconds after later
 * events did. The projection must skip no event: every item reaches the read table.
 */
class SequenceGapsIT {
  private static final int CLIENTS = 16;

  @TempDir Path dataDir;

  @Test
  void noEventIsSkippedAcrossRolledBackAndAbandonedOrderingValues() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.ADMIN_CONFIG)) {
      DataSource db = node.node.database().dataSource();
      String template = node.admin().post("/api/items", "{\"title\":\"late\",\"content\":\"c\"}").json().get("id").asText();
      AtomicLong lateCommits = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong rolledBack = new AtomicLong();
      AtomicLong abandoned = new AtomicLong();
      Thread rollbacks = new Thread(() -> {
        boolean longOneDone = false;
        while (running.get()) {
          // One gap outlives max-tries x query-delay: the projection must move on, not stall.
          long holdMillis = longOneDone ? ThreadLocalRandom.current().nextLong(50, 3000) : 7000;
          longOneDone = true;
          rolledBackInsert(db, holdMillis);
          rolledBack.incrementAndGet();
          lateCommit(db, template, ThreadLocalRandom.current().nextLong(50, 3000));
          lateCommits.incrementAndGet();
        }
      }, "rolled-back-inserts");
      Thread burner = new Thread(() -> {
        while (running.get()) {
          takeOrderingValue(db);
          abandoned.incrementAndGet();
          sleep(20);
        }
      }, "abandoned-ordering-values");
      rollbacks.start();
      burner.start();

      WriteLoad load = WriteLoad.start(CLIENTS, () -> node.admin());
      eventually(Duration.ofSeconds(120), () -> rolledBack.get() >= 6 && load.acknowledgedWrites() >= 600, done -> done);
      load.close();
      running.set(false);
      rollbacks.join();
      burner.join();
      assertTrue(load.unexpected.isEmpty(), load.unexpected.toString());

      long stopped = System.nanoTime();
      try (Connection c = db.getConnection()) {
        assertEquals(List.of(), JournalAudit.missingFromJournal(c, load.acknowledged));
        eventually(Duration.ofSeconds(60), () -> differences(c), List::isEmpty);
      }
      System.out.printf("Sequence gaps: %d acknowledged writes, %d rolled-back inserts, %d abandoned ordering values, "
              + "%d late commits; read table exact %d ms after the writers stopped%n",
          load.acknowledgedWrites(), rolledBack.get(), abandoned.get(), lateCommits.get(),
          Duration.ofNanos(System.nanoTime() - stopped).toMillis());
    }
  }

  /** Takes an ordering value with an insert that another writer never sees committed. */
  private static void rolledBackInsert(DataSource db, long holdMillis) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO journal.event_journal (persistence_id, sequence_number, writer, write_timestamp, "
              + "event_ser_id, event_ser_manifest, event_payload) VALUES (?, 1, 'gap-maker', 0, 0, '', '\\x00')")) {
        ps.setString(1, "Gap|" + UUID.randomUUID());
        ps.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO journal.event_tag (event_id, tag) "
            + "VALUES (currval('journal.event_journal_ordering_seq'), 'item-0')");
      }
      sleep(holdMillis);
      c.rollback();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes a copy of an item's Created event for a new item the way the journal does, but commits
   * it only after {@code holdMillis}: events with higher ordering values commit meanwhile.
   */
  private static void lateCommit(DataSource db, String templateId, long holdMillis) {
    String id = UUID.randomUUID().toString();
    String tag = "item-" + Math.floorMod(id.hashCode(), 4);
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO journal.event_journal (persistence_id, sequence_number, writer, write_timestamp, "
              + "adapter_manifest, event_ser_id, event_ser_manifest, event_payload) "
              + "SELECT ?, 1, writer, write_timestamp, adapter_manifest, event_ser_id, event_ser_manifest, "
              + "convert_to(replace(convert_from(event_payload, 'UTF8'), ?, ?), 'UTF8') "
              + "FROM journal.event_journal WHERE persistence_id = ? AND sequence_number = 1")) {
        ps.setString(1, "Item|" + id);
        ps.setString(2, templateId);
        ps.setString(3, id);
        ps.setString(4, "Item|" + templateId);
        assertEquals(1, ps.executeUpdate());
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal.event_tag (event_id, tag) "
          + "VALUES (currval('journal.event_journal_ordering_seq'), ?)")) {
        ps.setString(1, tag);
        ps.executeUpdate();
      }
      sleep(holdMillis);
      c.commit();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void takeOrderingValue(DataSource db) {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT nextval('journal.event_journal_ordering_seq')");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> differences(Connection c) {
    try {
      return JournalAudit.readTableDifferences(c);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
