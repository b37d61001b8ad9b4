package io.tablecast;

import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    Auth auth,
    Operations operations,
    Cluster cluster) {

  public record Http(String iface, int port, Duration askTimeout) {}

  public record Database(
      String url, String user, String password, int poolSize, int journalReadPoolSize, Duration connectionTimeout,
      Duration journalReadConnectionTimeout, int embeddedPort) {
    public boolean embedded() {
      return url.isBlank();
    }
  }

  public record Projections(int slices, int groupAfterEnvelopes, Duration groupAfterDuration, CatchUp catchUp) {}

  /**
   * A projection instance further behind the journal than {@code afterEvents} first reads what is
   * there in pages of {@code pageSize} straight from the journal tables, up to a point that every
   * earlier write has committed (waiting at most {@code lockTimeout} for the journal's writes in flight).
   */
  public record CatchUp(long afterEvents, int pageSize, Duration lockTimeout) {}

  /**
   * Snapshots and retention of every aggregate, and how one restarts after its journal failed
   * (persist or recovery): read once, as every entity that starts takes it.
   */
  public record Aggregates(int snapshotEvery, int keepSnapshots, BackoffSupervisorStrategy restartBackoff) {}

  /**
   * {@code minVersionWait}: how long a read with {@code min_version} waits for the read table to catch up;
   * {@code exactTotalUpTo}: lists count matching rows exactly up to this many, and estimate beyond;
   * {@code listContentChars}: list pages show at most this many characters of an item's content.
   */
  public record Queries(
      int defaultLimit, int maxLimit, Duration minVersionWait, long exactTotalUpTo, int listContentChars, History history) {}

  /**
   * Pages of an item's history: {@code defaultLimit} entries unless asked for up to {@code maxLimit},
   * read from the journal {@code readBatch} events at a time, and no more entries than fit in
   * {@code maxPageBytes} of JSON (but always one).
   */
  public record History(int defaultLimit, int maxLimit, long maxPageBytes, int readBatch) {}

  /**
   * Access tokens, the bootstrap admin, login throttling, the budget of password hashing per
   * client, and its cost. {@code clockSkew}: how far ahead of a node's clock the clock of the node
   * that issued a token may be. {@code failedLoginsTracked}: how many (email, client) pairs with
   * failed logins a node remembers at most.
   */
  public record Auth(
      String tokenSecret,
      Duration tokenTtl,
      Duration clockSkew,
      String adminEmail,
      String adminPassword,
      int maxFailedLogins,
      Duration failedLoginWindow,
      int failedLoginsTracked,
      ClientBudget clientBudget,
      Hashing hashing,
      int argon2MemoryKib,
      int argon2Iterations,
      int argon2Parallelism,
      Duration claimLease) {

    /** The secret never appears in logs or toString. */
    @Override
    public String toString() {
      return "Auth[tokenTtl=" + tokenTtl + ", adminEmail=" + adminEmail + "]";
    }
  }

  /**
   * Requests that hash a password, per client and node: a token bucket of {@code burst} requests,
   * one more every {@code refillInterval}; at most {@code maxClients} clients tracked.
   */
  public record ClientBudget(int burst, Duration refillInterval, int maxClients) {}

  /** Password hashes run on {@code threads} threads of their own, with at most {@code maxWaiting} more queued. */
  public record Hashing(int threads, int maxWaiting) {}

  /**
   * Projection operations: when a rebuilt generation is switched in, how many retired ones are
   * kept, and how handler failures are retried.
   */
  public record Operations(
      long switchAtLagEvents,
      int retainRetired,
      Duration pollInterval,
      Duration catchUpPollInterval,
      int handlerRetries,
      Duration handlerRetryDelay,
      Duration managementTimeout,
      int rebuildGroupAfterEnvelopes,
      Duration rebuildGroupAfterDuration,
      long indexBuildMemoryBytes,
      int indexBuildConnections) {}

  /**
   * How the node finds its cluster: bootstrap through discovery, seed nodes (from SEED_NODES, or
   * akka.cluster.seed-nodes in a config file), or else itself.
   */
  public record Cluster(List<String> seedNodes, boolean configSeeded, String bootstrap) {
    public boolean bootstraps() {
      return !bootstrap.isBlank();
    }

    /** This node makes a cluster of its own: no bootstrap, no seed nodes, and joining itself is allowed. */
    public boolean formsItsOwn(boolean joinSelf) {
      return joinSelf && !bootstraps() && seedNodes.isEmpty() && !configSeeded;
    }
  }

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

  /**
   * Where GET /metrics is served: on the API's port ({@code onApiPort}), and on a port of its own
   * that serves nothing else when {@code port} is not 0.
   */
  public record MetricsEndpoint(boolean onApiPort, String iface, int port) {
    public boolean ownPort() {
      return port != 0;
    }
  }

  public MetricsEndpoint metricsEndpoint() {
    Config m = config.getConfig("tablecast.metrics");
    return new MetricsEndpoint(m.getBoolean("on-api-port"), m.getString("interface"), m.getInt("port"));
  }

  /** How often each node measures its projections (lag, rebuild progress, state) for GET /metrics. */
  public java.time.Duration projectionMetricsInterval() {
    return config.getDuration("tablecast.projections.metrics-interval");
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
            db.getInt("journal-read-pool-size"),
            db.getDuration("connection-timeout"),
            db.getDuration("journal-read-connection-timeout"),
            db.getInt("embedded-port")),
        new Projections(slices, p.getInt("group-after-envelopes"), p.getDuration("group-after-duration"),
            new CatchUp(p.getLong("catch-up.after-events"), p.getInt("catch-up.page-size"), p.getDuration("catch-up.lock-timeout"))),
        new Aggregates(t.getInt("aggregates.snapshot-every"), t.getInt("aggregates.keep-snapshots"),
            SupervisorStrategy.restartWithBackoff(t.getDuration("aggregates.restart-backoff.min"),
                t.getDuration("aggregates.restart-backoff.max"), t.getDouble("aggregates.restart-backoff.random-factor"))),
        queries(t.getConfig("queries")),
        t.getBoolean("cluster.join-self"),
        auth(t, mode.equals("production")),
        new Operations(
            p.getLong("rebuild.switch-at-lag-events"),
            p.getInt("rebuild.retain-retired"),
            p.getDuration("rebuild.poll-interval"),
            p.getDuration("rebuild.catch-up-poll-interval"),
            p.getInt("failures.retries"),
            p.getDuration("failures.retry-delay"),
            p.getDuration("management-timeout"),
            p.getInt("rebuild.group-after-envelopes"),
            p.getDuration("rebuild.group-after-duration"),
            p.getBytes("rebuild.index-build-memory"),
            p.getInt("rebuild.index-build-connections")),
        cluster(config, t.getConfig("cluster")));
  }

  private static Queries queries(Config q) {
    Config h = q.getConfig("history");
    History history = new History(
        h.getInt("default-limit"), h.getInt("max-limit"), h.getBytes("max-page-bytes"), h.getInt("read-batch"));
    if (history.defaultLimit() < 1 || history.defaultLimit() > history.maxLimit() || history.readBatch() < 1
        || history.maxPageBytes() < 1) {
      throw new IllegalArgumentException("tablecast.queries.history: limits, read-batch and max-page-bytes must be"
          + " positive and default-limit at most max-limit, not " + history);
    }
    int listContentChars = q.getInt("list-content-chars");
    if (listContentChars < 1) {
      throw new IllegalArgumentException(
          "tablecast.queries.list-content-chars (LIST_CONTENT_CHARS) must be positive, not " + listContentChars);
    }
    return new Queries(q.getInt("default-limit"), q.getInt("max-limit"), q.getDuration("min-version-wait"),
        q.getLong("exact-total-up-to"), listContentChars, history);
  }

  private static Auth auth(Config t, boolean production) {
    Config a = t.getConfig("auth");
    String secret = a.getString("token-secret");
    if (!secret.isEmpty() && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new IllegalArgumentException("tablecast.auth.token-secret (TOKEN_SECRET) must be at least 32 bytes");
    }
    if (secret.isEmpty() && production) {
      throw new IllegalArgumentException("production mode needs a token secret: set TOKEN_SECRET (at least 32 bytes)");
    }
    return new Auth(
        secret,
        a.getDuration("token-ttl"),
        a.getDuration("clock-skew"),
        a.getString("admin-email"),
        a.getString("admin-password"),
        a.getInt("max-failed-logins"),
        a.getDuration("failed-login-window"),
        atLeast(a, "failed-logins-tracked", 1),
        new ClientBudget(atLeast(a, "client-budget.burst", 1), positive(a, "client-budget.refill-interval"),
            atLeast(a, "client-budget.max-clients", 1)),
        new Hashing(atLeast(a, "hashing.threads", 1), atLeast(a, "hashing.max-waiting", 0)),
        a.getInt("argon2.memory-kib"),
        a.getInt("argon2.iterations"),
        a.getInt("argon2.parallelism"),
        t.getDuration("uniqueness.claim-lease"));
  }

  private static int atLeast(Config c, String path, int min) {
    int value = c.getInt(path);
    if (value < min) {
      throw new IllegalArgumentException("tablecast.auth." + path + " must be at least " + min + ", not " + value);
    }
    return value;
  }

  private static Duration positive(Config c, String path) {
    Duration value = c.getDuration(path);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("tablecast.auth." + path + " must be positive, not " + value);
    }
    return value;
  }

  private static Cluster cluster(Config config, Config c) {
    List<String> seedNodes = new ArrayList<>();
    for (String seed : c.getString("seed-nodes").split(",")) {
      if (!seed.isBlank()) {
        seedNodes.add(seed.strip());
      }
    }
    // Seed nodes in akka.cluster.seed-nodes (a config file) are joined by Akka itself.
    boolean configSeeded = !config.getStringList("akka.cluster.seed-nodes").isEmpty();
    String bootstrap = c.getString("bootstrap").strip();
    if (!bootstrap.isEmpty() && (configSeeded || !seedNodes.isEmpty())) {
      throw new IllegalArgumentException(
          "tablecast.cluster: set either seed nodes (SEED_NODES) or bootstrap (CLUSTER_BOOTSTRAP), not both");
    }
    for (String seed : seedNodes) {
      if (!seed.startsWith("akka://")) {
        throw new IllegalArgumentException("tablecast.cluster.seed-nodes (SEED_NODES): not an akka:// address: " + seed);
      }
    }
    return new Cluster(List.copyOf(seedNodes), configSeeded, bootstrap);
  }
}
