package io.tablecast.db;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * projections and read journal are running logs no broken connection and no rejected query.
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
}
