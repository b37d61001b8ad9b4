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
    boolean joinSelf) {

  public record Http(String iface, int port, Duration askTimeout) {}

  public record Database(String url, String user, String password, int poolSize, Duration connectionTimeout) {
    public boolean embedded() {
      return url.isBlank();
    }
  }

  public record Projections(int slices, int groupAfterEnvelopes, Duration groupAfterDuration) {}

  public record Aggregates(int snapshotEvery, int keepSnapshots) {}

  public record Queries(int defaultLimit, int maxLimit) {}

  /** Browser origins allowed to call the API (CORS); empty means CORS is off. */
  public record Cors(java.util.List<String> allowedOrigins, Duration maxAge) {}

  public Cors cors() {
    Config c = config.getConfig("tablecast.http.cors");
    java.util.List<String> origins = java.util.Arrays.stream(c.getString("allowed-origins").split(","))
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .toList();
    return new Cors(origins, c.getDuration("max-age"));
  }

  /** How an aggregate restarts after its journal failed (persist or recovery). */
  public akka.actor.typed.BackoffSupervisorStrategy aggregateRestartBackoff() {
    Config b = config.getConfig("tablecast.aggregates.restart-backoff");
    return akka.actor.typed.SupervisorStrategy.restartWithBackoff(
        b.getDuration("min"), b.getDuration("max"), b.getDouble("random-factor"));
  }

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
        t.getBoolean("cluster.join-self"));
  }
}
