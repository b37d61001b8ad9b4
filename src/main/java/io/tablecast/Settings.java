package io.tablecast;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/** Everything Tablecast reads from its configuration, in one place (config/application.conf). */
public record Settings(
    Config config,
    boolean production,
    Path dataDir,
    Http http,
    Database database,
    Projections projections,
    Aggregates aggregates,
    Queries queries,
    boolean joinSelf,
    Operations operations) {

  public record Http(String iface, int port, Duration askTimeout) {}

  public record Database(String url, String user, String password, int poolSize, Duration connectionTimeout) {
    public boolean embedded() {
      return url.isBlank();
    }
  }

  public record Projections(int slices, int groupAfterEnvelopes, Duration groupAfterDuration) {}

  public record Aggregates(int snapshotEvery, int keepSnapshots) {}

  public record Queries(int defaultLimit, int maxLimit) {}

  /**
   * Projection operations: when a rebuilt generation is switched in, how many retired ones are
   * kept, how handler failures are retried, and whether /admin is open without the admin role.
   */
  public record Operations(
      long switchAtLagEvents,
      int retainRetired,
      Duration pollInterval,
      int handlerRetries,
      Duration handlerRetryDelay,
      Duration managementTimeout,
      boolean adminOpen,
      int rebuildGroupAfterEnvelopes,
      Duration rebuildGroupAfterDuration) {}

  public static Settings from(Config config) {
    Config t = config.getConfig("tablecast");
    String mode = t.getString("mode");
    if (!mode.equals("development") && !mode.equals("production")) {
      throw new IllegalArgumentException("tablecast.mode (APP_MODE) must be development or production, not " + mode);
    }
    Config db = t.getConfig("database");
    Config p = t.getConfig("projections");
    int slices = p.getInt("slices");
    if (slices < 1 || slices > 256) {
      throw new IllegalArgumentException("tablecast.projections.slices (PROJECTION_SLICES) must be 1..256, not " + slices);
    }
    return new Settings(
        config,
        mode.equals("production"),
        Path.of(t.getString("data-dir")).toAbsolutePath(),
        new Http(t.getString("http.interface"), t.getInt("http.port"), t.getDuration("http.ask-timeout")),
        new Database(
            db.getString("url"),
            db.getString("user"),
            db.getString("password"),
            db.getInt("pool-size"),
            db.getDuration("connection-timeout")),
        new Projections(slices, p.getInt("group-after-envelopes"), p.getDuration("group-after-duration")),
        new Aggregates(t.getInt("aggregates.snapshot-every"), t.getInt("aggregates.keep-snapshots")),
        new Queries(t.getInt("queries.default-limit"), t.getInt("queries.max-limit")),
        t.getBoolean("cluster.join-self"),
        new Operations(
            p.getLong("rebuild.switch-at-lag-events"),
            p.getInt("rebuild.retain-retired"),
            p.getDuration("rebuild.poll-interval"),
            p.getInt("failures.retries"),
            p.getDuration("failures.retry-delay"),
            p.getDuration("management-timeout"),
            t.getBoolean("admin.open"),
            p.getInt("rebuild.group-after-envelopes"),
            p.getDuration("rebuild.group-after-duration")));
  }
}
