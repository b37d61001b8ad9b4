package io.tablecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.Main;
import io.tablecast.Tablecast;
import io.tablecast.db.SchemaCheck;
import io.tablecast.projection.ReadProjection;
import io.tablecast.support.Ports;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator CLI against a running node (projections) and its database, or one of its own (db). */
class CliIT {
  @TempDir static Path dataDir;
  private static TestNode node;
  private static String url;
  private static io.tablecast.support.Api admin;
  private static String token;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.projections.rebuild.poll-interval", "200ms")));
    url = "http://127.0.0.1:" + node.node.httpAddress().getPort();
    token = Users.token(node.api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
    admin = node.api.withToken(token);
    for (int i = 0; i < 20; i++) {
      assertEquals(201, admin.post("/api/items", "{\"title\":\"cli " + i + "\",\"content\":\"x\"}").status());
    }
  }

  @AfterAll
  static void stop() {
    node.close();
    System.clearProperty("tablecast.database.url");
    ConfigFactory.invalidateCaches();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void projectionsCommandsTalkToTheNode() {
    Run list = run("projections", "list", "--url", url, "--token", token);
    assertEquals(0, list.exit(), list.toString());
    assertTrue(itemsLine(list).matches("items +1 +running +1/1 .* -"), list.out());

    // Generation 1 built by another handler than this code's (as after a bumped projection version).
    DataSource db = node.node.database().dataSource();
    Tables.execute(db, "UPDATE journal.projection_generation SET projection_version = 2 WHERE projection_name = 'items'");
    try {
      list = run("projections", "list", "--url", url, "--token", token);
      assertTrue(itemsLine(list).matches("items +1 +running +2/1 .* rebuild needed"), list.out());

      Run rebuild = run("projections", "rebuild", "items", "--url", url, "--token", token, "--poll", "PT0.2S");
      assertEquals(0, rebuild.exit(), rebuild.toString());
      assertTrue(rebuild.out().contains("generation 2 is live"), rebuild.out());
      list = run("projections", "list", "--url", url, "--token", token);
      assertTrue(itemsLine(list).matches("items +2 +running +1/1 .* -"), list.out());

      Run status = run("projections", "status", "items", "--url", url, "--token", token);
      assertEquals(0, status.exit(), status.toString());
      assertTrue(status.out().contains("\"generation\" : 2"), status.out());
      assertTrue(status.out().contains("\"rebuild_needed\" : false"), status.out());

      Run back = run("projections", "switch", "items", "--generation", "1", "--url", url, "--token", token);
      assertEquals(0, back.exit(), back.toString());
      list = run("projections", "list", "--url", url, "--token", token);
      assertTrue(itemsLine(list).matches("items +1 +running +2/1 .* rebuild needed"), list.out());
    } finally {
      Tables.execute(db, "UPDATE journal.projection_generation SET projection_version = 1 WHERE projection_name = 'items'");
    }
    Run dropLive = run("projections", "drop-generation", "items", "1", "--url", url, "--token", token);
    assertEquals(1, dropLive.exit(), dropLive.toString());
    assertTrue(dropLive.err().contains("409"), dropLive.err());
    assertEquals(0, run("projections", "drop-generation", "items", "2", "--url", url, "--token", token).exit());

    assertEquals(0, run("projections", "pause", "items", "--url", url, "--token", token).exit());
    assertEquals(0, run("projections", "resume", "items", "--url", url, "--token", token).exit());
    assertEquals(1, run("projections", "rebuild", "nope", "--url", url, "--token", token).exit());
    assertEquals(2, run("projections", "rebuild", "--url", url, "--token", token).exit());
    assertEquals(3, run("projections", "list", "--url", "http://127.0.0.1:" + Ports.free()).exit());
  }

  @Test
  void dbCommandsShowJournalAndReadHistoriesApart() {
    System.setProperty("tablecast.database.url", ((HikariDataSource) node.node.database().dataSource()).getJdbcUrl());
    ConfigFactory.invalidateCaches();
    Run info = run("db", "info");
    assertEquals(0, info.exit(), info.toString());
    assertTrue(info.out().contains("== journal"), info.out());
    assertTrue(info.out().contains("== read items generation"), info.out());
    Run validate = run("db", "validate");
    assertEquals(0, validate.exit(), validate.toString());
    Run migrate = run("db", "migrate");
    assertEquals(0, migrate.exit(), migrate.toString());
    assertTrue(migrate.out().contains("journal: 0 migration(s) applied"), migrate.out());
    assertEquals(0, run("db", "repair").exit());
    Run check = run("db", "check");
    assertEquals(0, check.exit(), check.toString());
    Run history = run("db", "history");
    assertEquals(0, history.exit(), history.toString());
    assertTrue(history.out().contains("== read items generation"), history.out());
  }

  private static String itemsLine(Run list) {
    return list.out().lines().filter(l -> l.startsWith("items ")).findFirst().orElseThrow(() -> new AssertionError(list.out()));
  }

  /**
   * Alembic's verbs on a database of their own on the node's server, from empty: a dry run and a
   * check change nothing (every table and every row alike before and after), --target stops where
   * it says, check finds pending migrations, a checksum mismatch and a live generation built with
   * another projection version, and history lists applied and pending migrations.
   */
  @Test
  void migrateTargetDryRunCheckAndHistory() throws Exception {
    Tables.execute(node.node.database().dataSource(), "CREATE DATABASE alembic");
    String nodeUrl = ((HikariDataSource) node.node.database().dataSource()).getJdbcUrl();
    String alembicUrl = nodeUrl.replaceFirst("/postgres\\b", "/alembic");
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(alembicUrl);
    db.setUser("postgres");
    System.setProperty("tablecast.database.url", alembicUrl);
    ConfigFactory.invalidateCaches();
    int journalLatest = migrations("journal");
    int itemsLatest = migrations("read/items");

    // Empty: the dry run prints every migration of the journal and of each generation 1 to be registered.
    String empty = snapshot(db);
    Run dry = run("db", "migrate", "--dry-run");
    assertEquals(0, dry.exit(), dry.toString());
    assertTrue(dry.out().contains("-- == journal, schema journal: " + journalLatest + " pending"), dry.out());
    assertTrue(dry.out().contains("-- == read items generation 1 (not registered yet), schema items_g1: " + itemsLatest + " pending"), dry.out());
    assertTrue(dry.out().contains("CREATE TABLE event_journal ("), dry.out());
    assertTrue(dry.out().contains("ADD COLUMN projection_version INTEGER"), dry.out());
    assertTrue(dry.out().contains("CREATE TABLE items ("), dry.out());
    assertTrue(dry.out().indexOf("schema journal: V6 ") < dry.out().indexOf("schema journal: V7 "), dry.out());
    assertEquals(empty, snapshot(db), "the dry run changed the database");
    Run check = run("db", "check");
    assertEquals(1, check.exit(), check.toString());
    assertTrue(check.out().contains("journal, schema journal: V1 akka persistence jdbc journal is pending"), check.out());
    assertEquals(empty, snapshot(db), "check changed the database");

    // --target: the journal up to V5 and no further; nothing else.
    Run toFive = run("db", "migrate", "--target", "5");
    assertEquals(0, toFive.exit(), toFive.toString());
    assertTrue(toFive.out().contains("journal: 5 migration(s) applied, now at 5"), toFive.out());
    assertEquals("5", Tables.text(db, "SELECT max(version::int)::text FROM journal.flyway_schema_history"));
    assertEquals(0, Tables.count(db, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%\\_g_'"));
    Run history = run("db", "history");
    assertEquals(0, history.exit(), history.toString());
    String journal = section(history, "journal");
    assertTrue(journal.contains("current 5, pending " + (journalLatest - 5)), journal);
    assertTrue(line(journal, "5").matches("5 +projection rebuilds and failures +Success +-?\\d+ +\\d{4}-\\d\\d-\\d\\dT\\S+ +\\d+ +V5__.*"),
        journal);
    assertTrue(line(journal, "6").matches("6 +projection deferred indexes +Pending +-?\\d+ +V6__.*"), journal);
    assertTrue(section(history, "read items generation 1").contains("pending " + itemsLatest), history.out());

    String atFive = snapshot(db);
    dry = run("db", "migrate", "--dry-run");
    assertEquals(0, dry.exit(), dry.toString());
    assertTrue(dry.out().contains("-- == journal, schema journal: " + (journalLatest - 5) + " pending"), dry.out());
    assertFalse(dry.out().contains("schema journal: V5 "), dry.out());
    assertTrue(dry.out().contains("ADD COLUMN deferred_indexes TEXT[]"), dry.out());
    assertEquals(atFive, snapshot(db), "the dry run changed the database");

    // One projection's history: refused while the journal is behind, then up to V2 and no further.
    Run refused = run("db", "migrate", "--projection", "items", "--target", "2");
    assertEquals(1, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("the journal has pending migrations"), refused.err());
    Run next = run("db", "migrate", "--target", "next");
    assertEquals(0, next.exit(), next.toString());
    assertTrue(next.out().contains("journal: 1 migration(s) applied, now at 6"), next.out());
    assertEquals(0, run("db", "migrate", "--target", "latest").exit());
    Run items = run("db", "migrate", "--projection", "items", "--target", "2");
    assertEquals(0, items.exit(), items.toString());
    assertTrue(items.out().contains("read items generation 1 (live): 2 migration(s) applied, now at 2"), items.out());
    assertEquals("2", Tables.text(db, "SELECT max(version::int)::text FROM items_g1.flyway_schema_history"));
    assertEquals(0, Tables.count(db, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('users_g1', 'categories_g1')"));
    String itemsHistory = section(run("db", "history"), "read items generation 1 (live)");
    assertTrue(line(itemsHistory, "2").contains("Success"), itemsHistory);
    assertTrue(line(itemsHistory, "3").contains("Pending"), itemsHistory);
    dry = run("db", "migrate", "--dry-run", "--projection", "items");
    assertTrue(dry.out().startsWith("-- == read items generation 1 (live), schema items_g1: " + (itemsLatest - 2) + " pending"), dry.out());
    assertTrue(dry.out().contains("ALTER TABLE items ADD COLUMN slug"), dry.out());
    assertFalse(dry.out().contains("schema journal"), dry.out());
    check = run("db", "check");
    assertEquals(1, check.exit(), check.toString());
    assertTrue(check.out().contains("read items generation 1 (live), schema items_g1: V3 items slug is pending"), check.out());

    Run migrate = run("db", "migrate");
    assertEquals(0, migrate.exit(), migrate.toString());
    Run back = run("db", "migrate", "--target", "3");
    assertEquals(0, back.exit(), back.toString());
    assertTrue(back.out().contains("journal: 0 migration(s) applied, now at " + journalLatest + " (past the target 3: migrations are not undone"),
        back.out());
    check = run("db", "check");
    assertEquals(0, check.exit(), check.toString());
    assertTrue(check.out().startsWith("nothing to do"), check.out());

    // A checksum mismatch: an applied migration edited afterwards.
    Tables.execute(db, "UPDATE journal.flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'");
    check = run("db", "check");
    assertEquals(1, check.exit(), check.toString());
    assertTrue(check.out().lines().anyMatch(l -> l.startsWith("journal, schema journal: V3 ") && l.contains("checksum mismatch")),
        check.out());
    assertTrue(line(section(run("db", "history"), "journal"), "3").contains("(checksum in this release: "), "history");
    assertEquals(0, run("db", "repair").exit());
    assertEquals(0, run("db", "check").exit());

    // A live generation built with another version of its projection than the code's: rebuild it.
    Tables.execute(db, "UPDATE journal.projection_generation SET projection_version = 2 WHERE projection_name = 'users'");
    check = run("db", "check");
    assertEquals(1, check.exit(), check.toString());
    assertTrue(check.out().contains(
        "projection users: live generation 1 was built with version 2, the code is at version 1: rebuild it"), check.out());
    Tables.execute(db, "UPDATE journal.projection_generation SET projection_version = 1 WHERE projection_name = 'users'");
    assertEquals(0, run("db", "check").exit());
    // ... and the same from the code's side: a bumped version in the definition.
    List<ReadProjection<?>> bumped = Tablecast.PROJECTIONS.stream()
        .map(p -> p.name().equals("items") ? bumped(p) : p).collect(Collectors.toList());
    assertEquals(
        List.of("projection items: live generation 1 was built with version 1, the code is at version 2: "
            + "rebuild it (projections rebuild items)"),
        SchemaCheck.findings(db, bumped));
  }

  /** How many migrations db/&lt;location&gt; holds: the latest version, as they are numbered 1, 2, ... */
  private static int migrations(String location) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("db", location))) {
      return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
  }

  private static <E> ReadProjection<E> bumped(ReadProjection<E> p) {
    return new ReadProjection<>(p.name(), p.tagPrefix(), p.version() + 1, p.handlerForSchema());
  }

  /** Every relation and column outside the system schemas, and every row of every table: equal strings, equal databases. */
  private static String snapshot(DataSource db) throws SQLException {
    StringBuilder all = new StringBuilder();
    List<String> tables = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(
          "SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) "
              + "FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid "
              + "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
              + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
              + "ORDER BY 1, 2, a.attnum")) {
        while (rs.next()) {
          all.append(rs.getString(1)).append('.').append(rs.getString(2)).append(' ').append(rs.getString(3)).append(' ')
              .append(rs.getString(4)).append(' ').append(rs.getString(5)).append('\n');
          if ("r".equals(rs.getString(3)) && !tables.contains(rs.getString(1) + "." + rs.getString(2))) {
            tables.add(rs.getString(1) + "." + rs.getString(2));
          }
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
          while (rs.next()) {
            all.append(table).append(": ").append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    return all.toString();
  }

  /** The part of db info/history output about one history. */
  private static String section(Run run, String label) {
    assertEquals(0, run.exit(), run.toString());
    for (String part : run.out().split("(?m)^== ")) {
      if (part.startsWith(label)) {
        return part;
      }
    }
    throw new AssertionError("no history " + label + " in " + run.out());
  }

  /** The row of one version in a history section, without its indentation. */
  private static String line(String section, String version) {
    return section.lines().map(String::trim).filter(l -> l.startsWith(version + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no version " + version + " in " + section));
  }

  @Test
  void helpHasExamples() {
    Run help = run("projections", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Examples:"), help.out());
    assertTrue(run("db", "--help").out().contains("Examples:"));
  }
}
