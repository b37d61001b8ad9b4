package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent writes leave gaps in the journal's ordering: some inserts commit after later ones
 * (a trigger makes random journal inserts slow after their ordering was taken), and some ordering
 * values are never committed (taken by transactions that roll back). No event may be skipped.
 */
class SequenceGapIT {
  private static final Duration WITHIN = Duration.ofSeconds(90);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;
  private static DataSource db;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    api = Users.admin(node.api);
    db = node.node.database().dataSource();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void eventsCommittedOutOfOrderOrAroundRolledBackOrderingsAreAllProjected() throws Exception {
    // The BIGSERIAL default is taken before BEFORE triggers run: a slow trigger commits an event
    // after events with higher ordering values.
    Tables.execute(db, """
        CREATE FUNCTION journal.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF random() < 0.15 THEN PERFORM pg_sleep(0.2 + random() * 1.3); END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER slow_commit BEFORE INSERT ON journal.event_journal
          FOR EACH ROW EXECUTE FUNCTION journal.slow_commit();
        """);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger wasted = new AtomicInteger();
    Thread rollbacks = new Thread(() -> {
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        while (writing.get()) {
          try (Statement s = c.createStatement()) {
            s.execute("SELECT nextval('journal.event_journal_ordering_seq')");
          }
          c.rollback();
          wasted.incrementAndGet();
          Thread.sleep(5);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    rollbacks.start();
    ExecutorService writers = Executors.newFixedThreadPool(8);
    List<Future<String>> created = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      created.add(writers.submit(() -> {
        Api.Response r = api.post("/api/items", "{\"title\":\"gap " + n + "\",\"content\":\"x\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().get("id").asText();
      }));
    }
    List<String> ids = new ArrayList<>();
    for (Future<String> f : created) {
      ids.add(f.get());
    }
    writing.set(false);
    rollbacks.join();
    writers.shutdown();
    assertTrue(wasted.get() > 0);
    assertTrue(Tables.count(db, "SELECT (max(ordering) - count(*)) FROM journal.event_journal") > 0, "the journal has gaps");

    eventually(WITHIN, () -> Tables.count(db, "SELECT count(*) FROM read.items"), n -> n == 200);
    for (String id : ids) {
      assertEquals(1, Tables.count(db, "SELECT count(*) FROM read.items WHERE id = '" + id + "'"), id);
    }
  }
}
