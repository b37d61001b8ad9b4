package io.tablecast.fault;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.JarProcess;
import io.tablecast.support.Users;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.WriteLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar is killed with SIGKILL while 16 clients create and update items. After a
 * restart on the same data directory every acknowledged write is in the journal, and the read
 * table holds every item exactly once at its journal version.
 */
class SigkillUnderLoadIT {
  private static final int CLIENTS = 16;

  @TempDir Path dataDir;

  @Test
  void everyAcknowledgedWriteSurvivesSigkillUnderLoad() throws Exception {
    Path log = dataDir.resolve("tablecast.log");
    Map<String, WriteLoad.Ack> acknowledged;
    try (JarProcess first = JarProcess.serve(dataDir, log, Users.ADMIN_ENV)) {
      WriteLoad load = WriteLoad.start(CLIENTS, () -> first.admin());
      eventually(Duration.ofSeconds(60), load::acknowledgedWrites, n -> n >= 300);
      first.kill();
      load.close();
      acknowledged = new HashMap<>(load.acknowledged);
      assertTrue(load.unexpected.isEmpty(), "only 2xx before the kill: " + load.unexpected);
      long orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
      assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
          "the killed JVM left its PostgreSQL running; the restart must cope with it");
      System.out.printf("SIGKILL under load: %d acknowledged writes on %d items, statuses %s%n",
          load.acknowledgedWrites(), acknowledged.size(), load.statuses);
    }

    try (JarProcess second = JarProcess.serve(dataDir, log, Users.ADMIN_ENV)) {
      try (Connection c = JournalAudit.connect(embeddedPostgresUrl())) {
        assertEquals(List.of(), JournalAudit.missingFromJournal(c, acknowledged));
        eventually(Duration.ofSeconds(60), () -> differences(c), List::isEmpty);
      }
      // The restarted node takes writes on the items that were being written when it died.
      String id = acknowledged.keySet().iterator().next();
      assertEquals(200, second.admin().patch("/api/items/" + id, "{\"title\":\"after the kill\"}").status());
      assertEquals(0, second.stop());
    }
  }

  /** postmaster.pid names the port of the running embedded PostgreSQL on line 4. */
  private String embeddedPostgresUrl() throws Exception {
    String port = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim();
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  private static List<String> differences(Connection c) {
    try {
      return JournalAudit.readTableDifferences(c);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
