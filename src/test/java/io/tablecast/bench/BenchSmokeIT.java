package io.tablecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.tablecast.db.Database;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark's code paths with tiny sizes, so it cannot rot; its numbers mean nothing here. */
class BenchSmokeIT {
  private static final List<String> POSITIVE = List.of(
      "commands_per_s", "command_p50_ms", "command_p99_ms", "raw_inserts_per_s", "command_ratio",
      "batch_inserts_per_s", "get_p99_ms", "list_p99_ms",
      "lag_p99_ms", "heap_peak_mb", "updates_per_s", "update_p99_ms");

  @TempDir Path dataDir;

  private static String bench(String... args) {
    return run(new BenchCommand(), args);
  }

  /** Runs the command; returns what it printed, after checking it exited with 0. */
  private static String run(Object command, String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(command).execute(args);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    original.print(output);
    assertEquals(0, exit, output);
    return output;
  }

  private static JsonNode lastLine(String output) throws Exception {
    String[] lines = output.strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void quickRunPrintsEveryFigureAsTheLastJsonLine() throws Exception {
    Path gcLog = dataDir.resolve("gc.log");
    String output = bench("--events", "400", "--seconds", "1", "--warm-up", "2", "--concurrency", "1,4",
        "--service-jvm-option=-Xlog:gc:file=" + gcLog);
    JsonNode last = lastLine(output);
    assertTrue(Files.readString(gcLog).contains("Using G1"), "the service's JVM took the option");
    assertEquals(400, last.get("events").asInt());
    for (String key : POSITIVE) {
      assertTrue(last.has(key), "missing " + key + " in " + last);
      assertTrue(last.get(key).asDouble() > 0, key + " is " + last.get(key));
    }
    // 400 events may be caught up between two looks at the offsets: then there is no rate to tell.
    double catchupSeconds = last.get("catchup_s").asDouble();
    assertTrue(catchupSeconds >= 0, last.toString());
    for (String key : List.of("catchup_events_per_s", "catchup_ratio")) {
      assertTrue(last.has(key), "missing " + key + " in " + last);
      assertTrue(catchupSeconds == 0 ? last.get(key).isNull() : last.get(key).asDouble() > 0, key + " is " + last.get(key));
    }
    assertTrue(last.has("rebuild_events_per_s") && last.has("rebuild_s"));
    assertTrue(output.matches("(?s).*rebuild of items: generation 2 live \\d+\\.\\d\\d s after its registration, by the "
        + "database's clock \\(its switch seen after .*"), "timed by the registry: " + output);
    assertTrue(output.contains("create-item c=1") && output.contains("create-item c=4 #2"), "the human table");
    assertTrue(output.matches("(?s).*create-item c=4 +warm-up: .*"), "the warm-up of the measured creates");
    assertTrue(last.get("command_warmup_s").asInt() >= 0, last.toString());
  }

  @Test
  void rebuildBenchmarkRebuildsItsSeededHistory() {
    String output = run(new RebuildBenchCommand(), "--events", "2000", "--updates-per-item", "3", "--tags-per-item", "3");
    assertTrue(output.contains("seeded 2,000 events (3 updates and 3 tags per item)"), output);
    assertTrue(output.matches("(?s).*rebuild of 2,000 events into generation 2 \\(500 rows\\): \\d+\\.\\d s from its "
        + "registration to the switch \\(the database's clock; seen after .*"), output);
  }

  @Test
  void listPlansExplainTheServicesStatementsForEveryFilter() {
    String output = run(new ListPlansCommand(), "--items", "20000");
    assertTrue(output.contains("filled 20,000 items"), output);
    List<String> lists = List.of("(no filter", "skip=9000", "(a member", "status=draft", "status=archived", "category_id=…",
        "owner_id=…", "tag=tag-017", "tag=featured", "q=topic 017", "q=urgent", "created_after=", "sort=title",
        "sort=-updated_at", "sort=status", "include_deleted=true", "category_id=…&status=published", "after=… (row 9,000)",
        "sort=title&skip=9000", "sort=title&after=… (row 9,000)");
    for (String list : lists) {
      assertTrue(output.lines().anyMatch(line -> line.startsWith(list) && line.matches(".* \\d+\\.\\d\\d .*Scan.*")),
          list + " is explained: " + output);
    }
    // The default list's page comes from its sort index alone: no heap read for the rows it passes.
    String defaults = output.lines().filter(line -> line.startsWith("(no filter")).findFirst().orElseThrow();
    assertTrue(defaults.contains("Index Only Scan Backward using items_created_at_idx"), defaults);
    assertTrue(defaults.matches(".* 0  [A-Z].*"), "no heap fetches after the vacuum: " + defaults);
  }

  @Test
  void aRunningNodeIsMeasuredThroughItsUrlAndDatabase() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of()))) {
      Database db = node.node.database();
      long before = Tables.count(db.dataSource(), "SELECT count(*) FROM read.items");
      String output = bench("--url", "http://127.0.0.1:" + node.node.httpAddress().getPort(),
          "--database-url", db.url(), "--database-user", db.user(), "--database-password", db.password(),
          "--admin-email", Users.ADMIN_EMAIL, "--admin-password", Users.ADMIN_PASSWORD,
          "--events", "400", "--seconds", "1", "--warm-up", "2", "--concurrency", "2");
      JsonNode last = lastLine(output);
      assertEquals(400, last.get("events").asInt());
      for (String key : List.of("commands_per_s", "raw_inserts_per_s", "get_p99_ms", "list_p99_ms", "heap_peak_mb", "rebuild_s")) {
        assertTrue(last.get(key).asDouble() > 0, key + " is " + last.get(key) + " in " + last);
      }
      // Timed from the resume of the paused projection: measured even over a tiny seed.
      assertTrue(last.get("catchup_s").asDouble() > 0, last.toString());
      assertTrue(last.get("catchup_events_per_s").asDouble() > 0, last.toString());
      assertTrue(Tables.count(db.dataSource(), "SELECT count(*) FROM read.items") >= before + 400,
          "the seeded items reached the node's read side");
      assertTrue(last.get("rebuild_events").asLong() >= 400, "the rebuild replayed the seeded journal: " + last);
      assertEquals(2, node.admin().get("/admin/projections/items").json().get("generation").asInt(), "rebuilt once");
      assertTrue(output.contains("The retired generation 1 of items is kept"), "a node at --url keeps its old generation");
      assertEquals("running", node.admin().get("/admin/projections/items").json().get("state").asText(),
          "the items projection is not left paused");
      assertEquals(0, Tables.count(db.dataSource(), "SELECT count(*) FROM pg_namespace WHERE nspname = 'bench'"),
          "the baselines' tables are gone");
    }
  }
}
