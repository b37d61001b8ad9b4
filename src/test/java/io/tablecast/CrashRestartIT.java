package io.tablecast;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import io.tablecast.support.Users;
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
    String token;
    // No TOKEN_SECRET: the development secret is generated once and kept in DATA_DIR.
    Map<String, String> env = Map.of("ADMIN_EMAIL", Users.ADMIN_EMAIL, "ADMIN_PASSWORD", Users.ADMIN_PASSWORD);
    try (JarProcess first = JarProcess.serve(dataDir, log, env)) {
      token = Users.token(first.api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
      Api admin = first.api.withToken(token);
      // Retried: on a busy machine the first command after start-up may outlast the ask timeout (503).
      id = eventually(Duration.ofSeconds(60),
          () -> admin.post("/api/items", "{\"title\":\"Before the crash\",\"content\":\"c\"}"),
          r -> r.status() == 201).json().get("id").asText();
      first.kill();
    }
    long orphan = Long.parseLong(Files.readAllLines(pid).get(0).trim());
    assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
        "the killed JVM left its PostgreSQL running (the case under test)");

    try (JarProcess second = JarProcess.serve(dataDir, log, env)) {
      Api api = second.api.withToken(token);
      // Generous: the projection catches up after the restart, on a machine that may be busy.
      Api.Response read = eventually(Duration.ofSeconds(30), () -> api.get("/api/items/" + id), r -> r.status() == 200);
      assertEquals("Before the crash", read.json().get("title").asText());
      Api.Response updated = api.patch("/api/items/" + id, "{\"title\":\"After the crash\"}");
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(2, updated.json().get("version").asLong());

      assertEquals(0, second.stop(), "SIGTERM is a graceful stop: coordinated shutdown, then exit 0");
    }
    assertFalse(Files.exists(pid), "a graceful stop also stops the embedded PostgreSQL");
    assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));
  }
}
