package io.tablecast.bench;

import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.tablecast.Tablecast;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.cli.ExitCodes;
import io.tablecast.cli.NodeClient;
import io.tablecast.item.Item;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench-rebuild",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Measures a rebuild: starts a node on a fresh embedded PostgreSQL, writes N item events straight",
      "into the journal (Created + Updated), rebuilds the items projection from zero and reports",
      "events/s until the switch, beside a same-run baseline of plain batched JDBC inserts."
    },
    footer = {"", "Example:", "  java -jar target/tablecast.jar bench-rebuild --events 1000000"})
public final class RebuildBenchCommand implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "1000000", description = "Events in the journal (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--updates-per-item", defaultValue = "3", description = "Updated events per Created (default: ${DEFAULT-VALUE}).")
  int updatesPerItem;

  @Option(names = "--tags-per-item", defaultValue = "0", description = "Tags on each item's Created, 0 to 20 (default: ${DEFAULT-VALUE}).")
  int tagsPerItem;

  @Option(names = "--data-dir", description = "Where the embedded PostgreSQL lives (default: a new temporary directory, removed after a successful run).")
  Path dataDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (tagsPerItem < 0 || tagsPerItem > Item.MAX_TAGS) {
      spec.commandLine().getErr().println("error: --tags-per-item must be between 0 and " + Item.MAX_TAGS);
      return ExitCodes.USAGE;
    }
    return LocalNode.run(dataDir, spec, this::measure);
  }

  /** Seeds the journal, measures the baseline, then rebuilds the items projection and prints what it took. */
  private int measure(LocalNode local) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Tablecast node = local.node();
    NodeClient admin = local.admin();
    Config config = local.config();
    DataSource db = node.database().dataSource();
    int slices = config.getInt("tablecast.projections.slices");
    // The live generation stays paused: the rebuild has the machine to itself.
    admin.post("/admin/projections/items/pause");

    long seedStart = System.nanoTime();
    seed(node, db, slices);
    out.printf(Locale.ROOT, "seeded %,d events (%d updates and %d tags per item) in %.1f s%n", events, updatesPerItem,
        tagsPerItem, seconds(seedStart));
    out.flush();

    Path pgData = local.dir().resolve("postgres");
    double baselineCpu = CpuTime.self() + CpuTime.postgres(pgData);
    double baseline = baseline(db);
    baselineCpu = CpuTime.self() + CpuTime.postgres(pgData) - baselineCpu;
    out.printf(Locale.ROOT, "baseline: plain batched JDBC inserts of %,d item rows: %,.0f rows/s, %.1f µs CPU per row%n",
        events, baseline, baselineCpu * 1e6 / events);
    out.flush();

    double serviceCpu = CpuTime.self();
    double postgresCpu = CpuTime.postgres(pgData);
    long start = System.nanoTime();
    int generation = admin.post("/admin/projections/items/rebuild").get("generation").asInt();
    double caughtUp = 0;
    JsonNode status;
    while (true) {
      status = admin.get("/admin/projections/items");
      if (status.get("generation").asInt() == generation) {
        break;
      }
      JsonNode rebuild = status.get("rebuild");
      if (caughtUp == 0 && rebuild.get("events_done").asLong() >= events) {
        caughtUp = seconds(start);
      }
      Thread.sleep(1000); // each status call counts the journal's tags: keep it rare
    }
    double seen = seconds(start);
    double wall = Rebuild.registered(status, generation).orElse(seen);
    serviceCpu = CpuTime.self() - serviceCpu;
    postgresCpu = CpuTime.postgres(pgData) - postgresCpu;
    long rows;
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM items_g" + generation + ".items")) {
      rs.next();
      rows = rs.getLong(1);
    }
    out.printf(Locale.ROOT, "rebuild of %,d events into generation %d (%,d rows): %.1f s from its registration to the switch "
            + "(the database's clock; seen after %.1f s), %,.0f events/s%s%n",
        events, generation, rows, wall, seen, events / wall,
        caughtUp > 0 ? String.format(Locale.ROOT, " (all events processed after %.1f s)", caughtUp) : "");
    out.printf(Locale.ROOT, "CPU during the rebuild: service %.1f s, PostgreSQL %.1f s: %.1f µs per event%n",
        serviceCpu, postgresCpu, (serviceCpu + postgresCpu) * 1e6 / events);
    out.printf(Locale.ROOT, "machine: %d processors available to the JVM%n", Runtime.getRuntime().availableProcessors());
    return ExitCodes.OK;
  }

  /** Writes Item events as the journal would hold them (same serializer, tags), with COPY. */
  private void seed(Tablecast node, DataSource db, int slices) throws Exception {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(node.system()));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    int perItem = 1 + updatesPerItem;
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      // After the events already there (the admin user's): orderings must stay unique.
      long ordering;
      try (Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT coalesce(max(ordering), 0) FROM journal.event_journal")) {
        rs.next();
        ordering = rs.getLong(1);
      }
      long last = ordering + events;
      PGConnection pg = c.unwrap(PGConnection.class);
      CopyIn journal = pg.getCopyAPI().copyIn(
          "COPY journal.event_journal (ordering, persistence_id, sequence_number, deleted, writer, write_timestamp, "
              + "adapter_manifest, event_ser_id, event_ser_manifest, event_payload) FROM STDIN WITH (FORMAT csv)");
      StringBuilder tags = new StringBuilder();
      HexFormat hex = HexFormat.of();
      long now = System.currentTimeMillis();
      while (ordering < last) {
        UUID id = TimeOrderedUuid.create();
        String tag = Item.TAG_PREFIX + "-" + Math.floorMod(id.toString().hashCode(), slices);
        long first = ordering;
        List<String> itemTags = IntStream.range(0, tagsPerItem).mapToObj(k -> "tag-" + (first + k) % 1000).toList();
        for (int seq = 1; seq <= perItem && ordering < last; seq++) {
          ordering++;
          Instant at = t0.plusNanos(ordering * 1000);
          Object event = seq == 1
              ? new Item.Created(id, "Item " + ordering, "content " + ordering, "draft", null, null, itemTags, at, null)
              : new Item.Updated(id, "Item " + ordering, "content " + ordering, seq == perItem ? "published" : "draft", null,
                  List.of(), List.of("title", "content"), at, null);
          Serializer serializer = serialization.findSerializerFor(event);
          String line = ordering + ",Item|" + id + "," + seq + ",false,bench," + now + ",\"\"," + serializer.identifier() + ","
              + Serializers.manifestFor(serializer, event) + ",\\x" + hex.formatHex(serializer.toBinary(event)) + "\n";
          byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
          journal.writeToCopy(bytes, 0, bytes.length);
          tags.append(ordering).append(',').append(tag).append('\n');
        }
      }
      journal.endCopy();
      byte[] tagBytes = tags.toString().getBytes(StandardCharsets.UTF_8);
      pg.getCopyAPI().copyIn("COPY journal.event_tag (event_id, tag) FROM STDIN WITH (FORMAT csv)",
          new java.io.ByteArrayInputStream(tagBytes));
      try (PreparedStatement ps = c.prepareStatement("SELECT setval('journal.event_journal_ordering_seq', ?)")) {
        ps.setLong(1, ordering);
        ps.execute();
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("ANALYZE journal.event_journal");
        s.execute("ANALYZE journal.event_tag");
      }
    }
  }

  /** Same-run reference: how fast this machine takes plain batched inserts of item-like rows now. */
  private double baseline(DataSource db) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE bench_items (LIKE items_g1.items INCLUDING DEFAULTS INCLUDING INDEXES)");
      c.setAutoCommit(false);
      long start = System.nanoTime();
      Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO bench_items (id, title, content, status, created_at, updated_at, version, slug) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 1; i <= events; i++) {
          UUID id = TimeOrderedUuid.create();
          ps.setObject(1, id);
          ps.setString(2, "Item " + i);
          ps.setString(3, "content " + i);
          ps.setString(4, "draft");
          java.sql.Timestamp at = java.sql.Timestamp.from(t0.plusNanos(i * 1000L));
          ps.setTimestamp(5, at);
          ps.setTimestamp(6, at);
          ps.setLong(7, 1);
          ps.setString(8, "item-" + i + "-" + id.toString().substring(0, 12));
          ps.addBatch();
          if (i % 500 == 0) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      double rate = events / seconds(start);
      c.setAutoCommit(true);
      s.execute("DROP TABLE bench_items");
      return rate;
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
