package io.tablecast.bench;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.db.Database;
import io.tablecast.db.Migrations;
import io.tablecast.item.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Measure Tablecast against same-run baselines on this machine and print a table, then one JSON line.",
        "Starts its own embedded PostgreSQL and service process (nothing else needs to run), or measures a",
        "running node with --url."},
    footer = {"", "Examples:",
        "  java -jar tablecast.jar bench --quick          # under 2 minutes",
        "  java -jar tablecast.jar bench                  # the full run: 1,000,000 events",
        "  DATABASE_URL=jdbc:postgresql://db:5432/tablecast DATABASE_PASSWORD=... ADMIN_EMAIL=... ADMIN_PASSWORD=... \\",
        "    java -jar tablecast.jar bench --url http://tablecast:8080 --events 100000"})
public final class BenchCommand implements Callable<Integer> {
  private static final String ADMIN_EMAIL = "bench-admin@tablecast.invalid";
  /** Alternating steps of creates and raw inserts the command ratio is taken from. */
  private static final int ROUNDS = 2;
  /** Clients of the update-item load: many fewer than its working set of items, so that they rarely meet on one item. */
  private static final int UPDATE_CLIENTS = 16;

  @Option(names = "--quick", description = "Small sizes and short runs (under 2 minutes).")
  boolean quick;

  @Option(names = "--events", description = "Events in the journal for catch-up, rebuild and reads (default 1000000; --quick 20000).")
  Integer events;

  @Option(names = "--seconds", description = "Length of each load step in seconds (default 20; --quick 4).")
  Integer seconds;

  @Option(names = "--concurrency", split = ",", description = "Client concurrencies for create-item (default 1,16,64).")
  List<Integer> concurrency = List.of(1, 16, 64);

  @Option(names = "--warm-up", description = {
      "Longest warm-up of each measured load in seconds (default 24 steps; --quick 2 steps): it runs in windows of",
      "half a step until its rate stops rising, and is printed with the table."})
  Integer warmUpSeconds;

  @Option(names = "--service-heap", description = "Maximum heap of the service process (default 512m).")
  String serviceHeap = "512m";

  @Option(names = "--service-jvm-option", paramLabel = "<option>", description = {
      "One more option for the JVM of the service it starts (repeatable; not with --url; write it with =, e.g.",
      "--service-jvm-option=-XX:MaxGCPauseMillis=20)."})
  List<String> serviceJvmOptions = List.of();

  @Option(names = "--service-jar", paramLabel = "<jar>", description = {
      "Run the service from this jar (another build of Tablecast) instead of this one: the same benchmark",
      "then measures two builds (not with --url)."})
  Path serviceJar;

  @Option(names = "--keep-data", description = "Keep the temporary data directory (database, service log) after a successful run.")
  boolean keepData;

  @Option(names = "--url", description = {
      "Measure the running node at this URL (http://host:port) instead of starting one; it needs the node's",
      "database (--database-url) and an admin (--admin-email, --admin-password). The run writes items, pauses",
      "and resumes the items projection and rebuilds it there: only against a node that may take that load."})
  String url;

  @Option(names = "--database-url", defaultValue = "${env:DATABASE_URL}",
      description = "With --url: the node's database, as a JDBC URL (default: DATABASE_URL).")
  String databaseUrl;

  @Option(names = "--database-user", defaultValue = "${env:DATABASE_USER:-postgres}",
      description = "With --url: its user (default: DATABASE_USER, else postgres).")
  String databaseUser;

  @Option(names = "--database-password", defaultValue = "${env:DATABASE_PASSWORD:-}",
      description = "With --url: its password (default: DATABASE_PASSWORD; prefer the variable to the option).")
  String databasePassword;

  @Option(names = "--admin-email", defaultValue = "${env:ADMIN_EMAIL}", description = "With --url: an admin of the node (default: ADMIN_EMAIL).")
  String adminEmail;

  @Option(names = "--admin-password", defaultValue = "${env:ADMIN_PASSWORD}",
      description = "With --url: that admin's password (default: ADMIN_PASSWORD; prefer the variable to the option).")
  String adminPassword;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int eventCount = events != null ? events : quick ? 20_000 : 1_000_000;
    Duration step = Duration.ofSeconds(seconds != null ? seconds : quick ? 4 : 20);
    WarmUp warmUp = new WarmUp(step.dividedBy(2),
        warmUpSeconds != null ? Duration.ofSeconds(warmUpSeconds) : step.multipliedBy(quick ? 2 : 24));
    if (url != null && serviceJar != null) {
      throw new ParameterException(spec.commandLine(), "--service-jar starts a service: not with --url");
    }
    if (serviceJar != null && !Files.isRegularFile(serviceJar)) {
      throw new ParameterException(spec.commandLine(), "--service-jar: no such file: " + serviceJar);
    }
    if (url != null) {
      if (databaseUrl == null || databaseUrl.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--url needs the node's database: --database-url or DATABASE_URL");
      }
      if (adminEmail == null || adminPassword == null) {
        throw new ParameterException(spec.commandLine(),
            "--url needs an admin of the node: --admin-email and --admin-password, or ADMIN_EMAIL and ADMIN_PASSWORD");
      }
      measureRunning(eventCount, step, warmUp).print();
      return 0;
    }
    Path dir = ScratchDirectory.create();
    Report report;
    try {
      report = measure(dir, eventCount, step, warmUp);
    } catch (Exception | Error e) {
      System.err.println("The benchmark failed; its database and the service's log are in " + dir);
      throw e;
    }
    if (keepData) {
      System.out.println("Data directory (database, service.log): " + dir);
    } else {
      ScratchDirectory.delete(dir);
    }
    report.print();
    return 0;
  }

  private Report measure(Path dir, int eventCount, Duration step, WarmUp warmUp) throws Exception {
    Settings settings = Settings.from(ConfigFactory.parseMap(Map.of("tablecast.data-dir", dir.toString()))
        .withFallback(ConfigFactory.load()));
    Report report = new Report();
    try (Database db = Database.open(settings)) {
      Migrations.journal(db.dataSource()).migrate();
      Baselines baselines = new Baselines(db.url(), db.user(), db.password());

      System.out.printf("Seeding %,d item events into the journal...%n", eventCount);
      List<UUID> ids = JournalSeeder.seed(db.dataSource(), eventCount, settings.projections().slices());
      report.put("events", eventCount);

      String adminPassword = UUID.randomUUID().toString();
      Map<String, String> env = Map.of(
          "DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
          "DATA_DIR", dir.toString(), "ADMIN_EMAIL", ADMIN_EMAIL, "ADMIN_PASSWORD", adminPassword);
      CatchUp catchUp = CatchUp.watch(db.dataSource(), "items-g1", Item.TAG_PREFIX);
      try (ServiceProcess service = ServiceProcess.start(env, serviceHeap, serviceJvmOptions, serviceJar, dir.resolve("service.log"));
          Measurements m = new Measurements(service.url, ADMIN_EMAIL, adminPassword)) {
        report.catchUp(eventCount, catchUp.await(Duration.ofMinutes(30)));
        MachineCost cost = new MachineCost(Optional.of(service.handle()), Optional.of(dir.resolve("postgres")));
        measureService(report, m, baselines, cost, "items_g1.items", ids, eventCount, step, warmUp, true);
        report.put("heap_peak_mb", service.heapPeakMb());
      }
    }
    return report;
  }

  /**
   * Everything after the catch-up, against a node caught up with the seeded journal. Each load is
   * measured warm: it first runs until its rate stops rising ({@link WarmUp}). {@code ownNode}: the
   * benchmark started the node, so it may drop the generation its rebuild retired.
   */
  private void measureService(Report report, Measurements m, Baselines baselines, MachineCost cost, String readTable,
      List<UUID> ids, int eventCount, Duration step, WarmUp warmUp, boolean ownNode) throws Exception {
    // After the catch-up, so that it has the machine to itself; into a table like the one it filled.
    report.put("batch_inserts_per_s", baselines.batchInsertsLike(readTable, Math.min(eventCount, 200_000)));
    report.put("batch_inserts_no_index_per_s", baselines.batchInserts(Math.min(eventCount, 200_000)));
    report.ratio("catchup_ratio", "catchup_events_per_s", "batch_inserts_per_s");

    Load.Operation get = m.getById(ids);
    report.warmUp("get by id c=8", m.warmUp(warmUp, 8, get));
    MachineCost.Measured<Load.Result> getting = cost.measure(() -> m.load(8, step, get));
    Load.Result gets = getting.result();
    report.table("get by id c=8", gets, cost.perOperation(getting, gets.latency().count()));
    report.put("get_p99_ms", gets.latency().percentileMs(99));
    Load.Operation list = m.listPage(eventCount);
    report.warmUp("list page c=8", m.warmUp(warmUp, 8, list));
    MachineCost.Measured<Load.Result> listing = cost.measure(() -> m.load(8, step, list));
    Load.Result lists = listing.result();
    report.table("list page c=8", lists, cost.perOperation(listing, lists.latency().count()));
    report.put("list_p99_ms", lists.latency().percentileMs(99));

    // Before the creates, so that it replays the seeded journal (the full run's 1,000,000 events).
    Rebuild.Result rebuild = m.rebuild("items", Duration.ofMinutes(30));
    report.rebuild(rebuild);
    // A retired generation goes on projecting (so that switching back is instant) until it is
    // dropped: every create would write two item rows. On a node of its own the benchmark drops it,
    // as an operator does once the new generation has proved itself; a node at --url keeps it.
    if (rebuild != null && ownNode) {
      m.dropGeneration("items", rebuild.generation() - 1);
    } else if (rebuild != null) {
      System.out.println("The retired generation " + (rebuild.generation() - 1)
          + " of items is kept: creates are projected into both generations.");
    }

    int top = concurrency.get(concurrency.size() - 1);
    WarmUp.Run creating = m.warmUp(warmUp, top, m.createItem());
    report.warmUp("create-item c=" + top, creating);
    report.put("command_warmup_s", creating.seconds());
    for (int c : concurrency.subList(0, concurrency.size() - 1)) {
      report.table("create-item c=" + c, m.createItems(c, step, false).load());
    }
    // The command figures: creates and the raw-insert baseline at the top concurrency, in
    // alternating steps, so that both see the machine's speed of the same minutes.
    report.warmUp("raw insert c=" + top, warmUp.run(window -> baselines.rawInserts(top, window).perSecond()));
    List<Load.Result> creates = new ArrayList<>();
    List<Stats> lags = new ArrayList<>();
    List<Load.Result> raws = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      MachineCost.Measured<Measurements.Creates> created = cost.measure(() -> m.createItems(top, step, true));
      Load.Result load = created.result().load();
      report.table("create-item c=" + top + " #" + round, load, cost.perOperation(created, load.latency().count()));
      creates.add(load);
      lags.add(created.result().lag());
      MachineCost.Measured<Load.Result> inserted = cost.measure(() -> baselines.rawInserts(top, step));
      Load.Result raw = inserted.result();
      report.table("raw insert c=" + top + " #" + round, raw, cost.perOperation(inserted, raw.latency().count()));
      raws.add(raw);
    }
    Load.Result commands = Load.Result.of(creates);
    report.put("commands_per_s", commands.perSecond());
    report.put("command_p50_ms", commands.latency().percentileMs(50));
    report.put("command_p99_ms", commands.latency().percentileMs(99));
    report.put("lag_p99_ms", Stats.of(lags).percentileMs(99));
    report.put("raw_inserts_per_s", Load.Result.of(raws).perSecond());
    report.ratio("command_ratio", "commands_per_s", "raw_inserts_per_s");

    // A command to an existing entity: the path of a PATCH (authentication, the aggregate's decision, the persist).
    Load.Operation update = m.updateItem(ids);
    report.warmUp("update-item c=" + UPDATE_CLIENTS, m.warmUp(warmUp, UPDATE_CLIENTS, update));
    MachineCost.Measured<Load.Result> updating = cost.measure(() -> m.load(UPDATE_CLIENTS, step, update));
    Load.Result updates = updating.result();
    report.table("update-item c=" + UPDATE_CLIENTS, updates, cost.perOperation(updating, updates.latency().count()));
    report.put("updates_per_s", updates.perSecond());
    report.put("update_p99_ms", updates.latency().percentileMs(99));
  }

  /** --url: the node is running; the catch-up is timed from resuming its paused items projection over the seed. */
  private Report measureRunning(int eventCount, Duration step, WarmUp warmUp) throws Exception {
    Settings settings = Settings.from(ConfigFactory.parseMap(Map.of(
            "tablecast.database.url", databaseUrl,
            "tablecast.database.user", databaseUser,
            "tablecast.database.password", databasePassword))
        .withFallback(ConfigFactory.load()));
    Report report = new Report();
    try (Database db = Database.open(settings); HeapWatcher heap = HeapWatcher.start(url);
        Measurements m = new Measurements(url, adminEmail, adminPassword)) {
      Baselines baselines = new Baselines(db.url(), db.user(), db.password());
      int generation = m.liveGeneration("items");
      String refused = m.admin("/admin/projections/items/pause");
      if (refused != null) {
        System.out.println("catch-up not measured: the node refused to pause the items projection: " + refused);
      }
      List<UUID> ids;
      CatchUp catchUp;
      try {
        System.out.printf("Seeding %,d item events into the journal of %s...%n", eventCount, url);
        ids = JournalSeeder.seed(db.dataSource(), eventCount, settings.projections().slices());
        catchUp = CatchUp.watchFromNow(db.dataSource(), "items-g" + generation, Item.TAG_PREFIX);
      } finally {
        if (refused == null) {
          String notResumed = m.admin("/admin/projections/items/resume");
          if (notResumed != null) {
            throw new IllegalStateException("the node refused to resume the items projection: " + notResumed);
          }
        }
      }
      report.put("events", eventCount);
      double catchupSeconds = catchUp.await(Duration.ofMinutes(30)); // the reads need the seed, measured or not
      report.catchUp(eventCount, refused == null ? catchupSeconds : null);
      MachineCost cost = new MachineCost(Optional.empty(), Optional.empty()); // the node and its database are elsewhere
      measureService(report, m, baselines, cost, "items_g" + generation + ".items", ids, eventCount, step, warmUp, false);
      report.put("heap_peak_mb", heap.peakMb());
      baselines.dropTables();
    }
    return report;
  }

  /** The numbers of one run, printed as a table and, last, as one JSON object. */
  static final class Report {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final StringBuilder table = new StringBuilder();

    void put(String key, Object value) {
      values.put(key, value instanceof Double d ? Math.round(d * 100) / 100.0 : value);
    }

    /**
     * A catch-up over within one look at the offsets (a tiny journal) cannot be timed, and one not
     * measured has no seconds (null): no rate then.
     */
    void catchUp(int events, Double seconds) {
      put("catchup_events_per_s", seconds != null && seconds > 0 ? events / seconds : null);
      put("catchup_s", seconds);
      if (seconds != null && seconds > 0) {
        events("projection catch-up", events, seconds);
      }
    }

    /** A rebuild timed until its switch; null when the node offers none. */
    void rebuild(Rebuild.Result rebuild) {
      put("rebuild_events", rebuild == null ? null : rebuild.events());
      put("rebuild_events_per_s", rebuild == null ? null : rebuild.events() / rebuild.seconds());
      put("rebuild_s", rebuild == null ? null : rebuild.seconds());
      if (rebuild != null) {
        events("rebuild to the switch", rebuild.events(), rebuild.seconds());
      }
    }

    void ratio(String key, String numerator, String denominator) {
      Object n = values.get(numerator);
      Object d = values.get(denominator);
      if (n instanceof Number a && d instanceof Number b && b.doubleValue() > 0) {
        values.put(key, Math.round(a.doubleValue() / b.doubleValue() * 10000) / 10000.0);
      } else {
        values.put(key, null); // one side was not measured in this run
      }
    }

    private void events(String label, long events, double seconds) {
      line(String.format("%-22s %10.0f /s   %,d events in %.1f s%n", label, events / seconds, events, seconds));
    }

    void warmUp(String label, WarmUp.Run run) {
      line(String.format("%-22s warm-up: %s%n", label, run.describe()));
    }

    void table(String label, Load.Result r) {
      table(label, r, "");
    }

    /** A measured step; {@code cost}: what it cost the machine per operation (may be empty). */
    void table(String label, Load.Result r, String cost) {
      line(String.format("%-22s %10.0f /s   p50 %7.2f ms   p99 %7.2f ms   failed %d%s%n",
          label, r.perSecond(), r.latency().percentileMs(50), r.latency().percentileMs(99), r.failures(),
          cost.isEmpty() ? "" : "   " + cost));
    }

    /** A line of the table, printed now too: a full run takes half an hour or more. */
    private void line(String text) {
      table.append(text);
      System.out.print(text);
    }

    void print() throws Exception {
      System.out.println();
      System.out.print(table);
      values.forEach((k, v) -> System.out.printf("%-22s %s%n", k, v));
      System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(values));
    }
  }
}
