package io.tablecast.db;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stops its embedded PostgreSQL only after everything that queries it: stopping a node whose
 * projections and read journal are running logs no broken connection and no rejected query. And a
 * last node's stop does not wait on its shard regions.
 */
class CleanShutdownIT {
  @TempDir static Path dataDir;

  @Test
  void stoppingANodeLogsNoBrokenConnections() throws Exception {
    String logged;
    try (CapturedLogs logs = CapturedLogs.at(Level.WARN)) {
      TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of()));
      Api api = Users.admin(node.api);
      String id = api.post("/api/items", "{\"title\":\"before the stop\",\"content\":\"x\"}").json().get("id").asText();
      eventually(Duration.ofSeconds(10), () -> api.get("/api/items?q=before").json().get("total").asInt(), n -> n == 1);
      assertEquals(200, api.get("/api/items/" + id).status());
      node.close();
      logged = logs.text();
    }
    for (String symptom : new String[] {"marked as broken", "terminating connection", "RejectedExecutionException",
        "Failed to validate connection"}) {
      assertFalse(logged.contains(symptom), symptom + " in the logs of a stop:\n" + logged);
    }
    assertFalse(logged.contains("ERROR"), "errors in the logs of a stop:\n" + logged);
  }

  @Test
  void aLastNodeStopsWithoutWaitingOnItsShardRegions(@TempDir Path ownDataDir) throws Exception {
    // Keep-alive pings every 50 ms: one reaches a region after its hand-off in nearly every stop,
    // unless the pingers stop first.
    String logged;
    long stopMillis;
    try (CapturedLogs logs = CapturedLogs.at(Level.WARN)) {
      TestNode node = TestNode.start(ownDataDir,
          Users.withAdmin(Map.of("akka.cluster.sharded-daemon-process.keep-alive-interval", "50ms")));
      Api api = Users.admin(node.api);
      api.post("/api/items", "{\"title\":\"before the stop\",\"content\":\"x\"}");
      eventually(Duration.ofSeconds(10), () -> api.get("/api/items?q=before").json().get("total").asInt(), n -> n == 1);
      long start = System.nanoTime();
      node.close();
      stopMillis = (System.nanoTime() - start) / 1_000_000;
      logged = logs.text();
    }
    for (String symptom : new String[] {"Graceful shutdown of shard region timed out", "buffered messages"}) {
      assertFalse(logged.contains(symptom), symptom + " in the logs of a stop:\n" + logged);
    }
    assertTrue(stopMillis < 8_000, "the stop took " + stopMillis + " ms, as long as a region's shutdown timeout:\n" + logged);
  }
}
