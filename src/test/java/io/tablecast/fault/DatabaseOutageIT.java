package io.tablecast.fault;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.Users;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.ControlledPostgres;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.TestNode;
import io.tablecast.support.WriteLoad;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL goes away for about ten seconds while 16 clients write. Requests fail fast with 503
 * and Retry-After instead of hanging, and when the database is back the node recovers by itself:
 * writes succeed again and the projection catches up with every acknowledged write.
 */
class DatabaseOutageIT {
  private static final int CLIENTS = 16;
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir Path dataDir;

  @Test
  void requestsFailFastDuringAnOutageAndEverythingRecoversAfterIt() throws Exception {
    try (ControlledPostgres pg = ControlledPostgres.start(dataDir.resolve("pg"));
        TestNode node = TestNode.start(dataDir.resolve("node"), Users.withAdmin(Map.of(
            "tablecast.database.url", pg.url(),
            "tablecast.database.user", "postgres",
            "tablecast.database.password", "")));
        CapturedLogs logs = CapturedLogs.start()) {
      WriteLoad load = WriteLoad.start(CLIENTS, () -> node.admin());
      eventually(Duration.ofSeconds(60), load::acknowledgedWrites, n -> n >= 200);

      pg.stopServer();
      long outageBegan = System.nanoTime();
      List<Api.Response> reads = new ArrayList<>();
      long slowestRead = 0;
      Api management = new Api("http://127.0.0.1:" + node.managementPort);
      while (System.nanoTime() - outageBegan < OUTAGE.toNanos()) {
        long began = System.nanoTime();
        reads.add(node.admin().get("/api/items?limit=5"));
        slowestRead = Math.max(slowestRead, Duration.ofNanos(System.nanoTime() - began).toMillis());
        assertEquals(200, management.get("/alive").status(), "the node stays alive (no wedged threads)");
      }
      long writesBeforeRecovery = load.acknowledgedWrites();
      pg.startServer();
      long back = System.nanoTime();

      eventually(Duration.ofSeconds(90), load::acknowledgedWrites, n -> n >= writesBeforeRecovery + 200);
      long writing = Duration.ofNanos(System.nanoTime() - back).toMillis();
      load.close();
      System.out.printf("Database outage: statuses %s, slowest write %d ms, slowest read %d ms, %d reads; "
              + "200 writes acknowledged %d ms after the database was back%n",
          load.statuses, load.slowestMillis.get(), slowestRead, reads.size(), writing);

      assertTrue(load.count(503) > 0, "the outage was felt by writers: " + load.statuses);
      assertTrue(load.unexpected.isEmpty(), "only 2xx and 503: " + load.unexpected);
      assertEquals(0, load.count(-1), "every request got an answer within the client's timeout: " + load.statuses);
      assertEquals(0, load.missingRetryAfter.get(), "every 503 says when to retry");
      for (Api.Response r : reads) {
        if (r.status() != 200) {
          assertEquals(503, r.status(), r.toString());
          assertEquals("application/problem+json", r.contentType());
          assertNotNull(r.header("Retry-After"), r.toString());
        }
      }
      assertTrue(reads.stream().anyMatch(r -> r.status() == 503), "reads during the outage are 503");
      String failedRead = reads.stream().filter(r -> r.status() == 503).findFirst().orElseThrow().header("X-Request-Id");
      assertTrue(logs.text().lines().anyMatch(line -> line.contains("Request failed") && line.contains("request_id=" + failedRead)),
          "the fault is logged with the request's id " + failedRead);

      try (Connection c = JournalAudit.connect(pg.url())) {
        assertEquals(List.of(), JournalAudit.missingFromJournal(c, load.acknowledged));
        eventually(Duration.ofSeconds(60), () -> differences(c), List::isEmpty);
        System.out.printf("Database outage: read table caught up %d ms after the database was back%n",
            Duration.ofNanos(System.nanoTime() - back).toMillis());
      }
      assertEquals(200, node.admin().get("/api/items?limit=5").status());
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
