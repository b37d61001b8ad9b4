package io.tablecast;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, killed with SIGKILL, starts again on the same data directory. */
class CrashRestartIT {
  @TempDir Path dataDir;

  @Test
  void restartsAfterSigkillAlthoughItsPostgresStillRuns() throws Exception {
    Path log = dataDir.resolve("tablecast.log");
    Path pid = dataDir.resolve("postgres/postmaster.pid");
    String id;
    try (JarProcess first = JarProcess.serve(dataDir, log, Map.of())) {
      // A freshly started node on a busy machine may answer its very first write 503 (retry later).
      id = eventually(Duration.ofSeconds(30),
          () -> first.api.post("/api/items", "{\"title\":\"Before the crash\",\"content\":\"c\"}"),
          r -> r.status() != 503).json().get("id").asText();
      first.kill();
    }
    long orphan = Long.parseLong(Files.readAllLines(pid).get(0).trim());
    assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
        "the killed JVM left its PostgreSQL running (the case under test)");

    try (JarProcess second = JarProcess.serve(dataDir, log, Map.of())) {
      Api.Response read = eventually(Duration.ofSeconds(10), () -> second.api.get("/api/items/" + id), r -> r.status() == 200);
      assertEquals("Before the crash", read.json().get("title").asText());
      Api.Response updated = second.api.patch("/api/items/" + id, "{\"title\":\"After the crash\"}");
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(2, updated.json().get("version").asLong());

      assertEquals(0, second.stop(), "SIGTERM is a graceful stop: coordinated shutdown, then exit 0");
    }
    assertFalse(Files.exists(pid), "a graceful stop also stops the embedded PostgreSQL");
    assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));
  }
}
