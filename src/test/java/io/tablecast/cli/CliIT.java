package io.tablecast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.Main;
import io.tablecast.support.Ports;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator CLI against a running node (projections) and its database (db). */
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
    assertTrue(list.out().contains("items"), list.out());

    Run rebuild = run("projections", "rebuild", "items", "--url", url, "--token", token, "--poll", "PT0.2S");
    assertEquals(0, rebuild.exit(), rebuild.toString());
    assertTrue(rebuild.out().contains("generation 2 is live"), rebuild.out());

    Run status = run("projections", "status", "items", "--url", url, "--token", token);
    assertEquals(0, status.exit(), status.toString());
    assertTrue(status.out().contains("\"generation\" : 2"), status.out());

    Run back = run("projections", "switch", "items", "--generation", "1", "--url", url, "--token", token);
    assertEquals(0, back.exit(), back.toString());
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
  }

  @Test
  void helpHasExamples() {
    Run help = run("projections", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Examples:"), help.out());
    assertTrue(run("db", "--help").out().contains("Examples:"));
  }
}
