package io.tablecast.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL that a test owns and can stop and start again on the same data directory and
 * port, to play an external database (DATABASE_URL) going away and coming back.
 */
public final class ControlledPostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private ControlledPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  public static ControlledPostgres start(Path dataDir) throws IOException {
    ControlledPostgres pg = new ControlledPostgres(dataDir, Ports.free());
    pg.startServer();
    return pg;
  }

  public String url() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  /** Fast shutdown: open connections are cut, like a database that crashed or was failed over. */
  public void stopServer() throws IOException {
    server.close();
    server = null;
  }

  public void startServer() throws IOException {
    server = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      stopServer();
    }
  }
}
