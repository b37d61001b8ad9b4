package io.tablecast.http;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.tablecast.support.Api;
import io.tablecast.support.Users;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.ControlledPostgres;
import io.tablecast.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node as production runs it: an external database whose password comes from configuration,
 * CORS for one origin, everything logged down to DEBUG. Every answer carries the security headers,
 * CORS answers only the configured origin, and neither the database password nor anything a
 * client sent in a body or credential header shows up in the logs.
 */
class HardeningIT {
  private static final String DATABASE_PASSWORD = "db-secret-" + UUID.randomUUID();
  private static final String BODY_SECRET = "body-secret-" + UUID.randomUUID();
  private static final String ROW_SECRET = "row-secret-" + UUID.randomUUID();
  private static final String TOKEN_SECRET = "token-secret-" + UUID.randomUUID();
  private static final String ALLOWED = "https://app.example.com";

  @TempDir static Path dataDir;
  private static CapturedLogs logs;
  private static ControlledPostgres pg;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    logs = CapturedLogs.at(Level.DEBUG);
    pg = ControlledPostgres.start(dataDir.resolve("pg"));
    node = TestNode.start(dataDir.resolve("node"), Users.withAdmin(Map.of(
        "tablecast.database.url", pg.url(),
        "tablecast.database.user", "postgres",
        "tablecast.database.password", DATABASE_PASSWORD,
        "tablecast.http.cors.allowed-origins", ALLOWED + ", https://admin.example.com",
        "akka.loglevel", "DEBUG")));
    api = node.admin();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    pg.close();
    logs.close();
  }

  private static void assertSecurityHeaders(Api.Response r) {
    assertEquals("nosniff", r.header("X-Content-Type-Options"), r.toString());
    assertEquals("no-referrer", r.header("Referrer-Policy"));
    assertEquals("no-store", r.header("Cache-Control"));
    assertTrue(r.header("Content-Security-Policy").startsWith("default-src 'none'"));
    assertEquals("DENY", r.header("X-Frame-Options"));
    assertNull(r.header("Server"), "no Server header");
  }

  @Test
  void everyKindOfAnswerCarriesTheSecurityHeaders() {
    Api.Response created = api.post("/api/items", "{\"title\":\"h\",\"content\":\"c\"}");
    assertEquals(201, created.status());
    String id = created.json().get("id").asText();
    List<Api.Response> answers = List.of(
        created,
        api.get("/api/items"),
        api.get("/api/items/" + UUID.randomUUID()),
        api.get("/api/items/not-a-uuid"),
        api.post("/api/items", "{"),
        api.get("/api/items?limit=0"),
        api.send("PUT", "/api/items", "application/json", "{}".getBytes()),
        api.send("POST", "/api/items", "text/plain", "x".getBytes()),
        api.send("POST", "/api/items", "application/json", new byte[2_000_000]),
        api.patch("/api/items/" + id, "{\"title\":\"h2\"}", Map.of("If-Match", "\"9\"")),
        api.get("/nowhere"));
    List<Integer> statuses = answers.stream().map(Api.Response::status).toList();
    assertEquals(List.of(201, 200, 404, 404, 400, 400, 405, 415, 413, 412, 404), statuses);
    answers.forEach(HardeningIT::assertSecurityHeaders);
  }

  @Test
  void anAllowedOriginGetsAPreflightAnswerAndCorsHeaders() {
    Api.Response preflight = api.send("OPTIONS", "/api/items", null, new byte[0], Map.of(
        "Origin", ALLOWED, "Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "content-type,if-match"));
    assertEquals(204, preflight.status(), preflight.toString());
    assertEquals(ALLOWED, preflight.header("Access-Control-Allow-Origin"));
    assertTrue(preflight.header("Access-Control-Allow-Methods").contains("PATCH"));
    assertTrue(preflight.header("Access-Control-Allow-Headers").contains("If-Match"));
    assertEquals("600", preflight.header("Access-Control-Max-Age"));
    assertEquals("Origin", preflight.header("Vary"));
    assertSecurityHeaders(preflight);

    Api.Response actual = api.send("GET", "/api/items", null, new byte[0], Map.of("Origin", ALLOWED));
    assertEquals(200, actual.status());
    assertEquals(ALLOWED, actual.header("Access-Control-Allow-Origin"));
    assertTrue(actual.header("Access-Control-Expose-Headers").contains("ETag"));
    Api.Response error = api.send("GET", "/api/items/not-a-uuid", null, new byte[0], Map.of("Origin", ALLOWED));
    assertEquals(ALLOWED, error.header("Access-Control-Allow-Origin"), "errors are readable by the allowed origin too");
  }

  @Test
  void otherOriginsGetNoCorsHeaders() {
    for (String origin : List.of("https://evil.example.com", "null", "https://app.example.com.evil.net", ALLOWED + "/")) {
      Api.Response preflight = api.send("OPTIONS", "/api/items", null, new byte[0], Map.of(
          "Origin", origin, "Access-Control-Request-Method", "POST"));
      assertTrue(preflight.status() >= 400, preflight.toString());
      assertNull(preflight.header("Access-Control-Allow-Origin"), origin);
      Api.Response actual = api.send("GET", "/api/items", null, new byte[0], Map.of("Origin", origin));
      assertEquals(200, actual.status());
      assertNull(actual.header("Access-Control-Allow-Origin"), origin);
    }
  }

  @Test
  void secretsAndRequestBodiesAreNotLogged() throws Exception {
    // The projection fails once on a row holding a marker: the failure is logged, the row's values are not.
    try (Connection c = node.node.database().dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SEQUENCE public.row_secret_fired");
      s.execute("CREATE FUNCTION public.fail_on_row_secret() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "IF NEW.content LIKE 'row-secret-%' AND nextval('public.row_secret_fired') = 1 THEN "
          + "RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$");
      s.execute("CREATE TRIGGER fail_on_row_secret BEFORE INSERT ON items_g1.items "
          + "FOR EACH ROW EXECUTE FUNCTION public.fail_on_row_secret()");
    }
    String failing = api.post("/api/items", "{\"title\":\"t\",\"content\":\"" + ROW_SECRET + "\"}").json().get("id").asText();
    eventually(Duration.ofSeconds(30), () -> api.get("/api/items/" + failing), r -> r.status() == 200);

    Map<String, String> credentials = Map.of("Authorization", "Bearer " + TOKEN_SECRET);
    api.send("POST", "/api/items", "application/json",
        ("{\"title\":\"t\",\"content\":\"" + BODY_SECRET + "\"}").getBytes(StandardCharsets.UTF_8), credentials);
    api.send("POST", "/api/items", "application/json",
        ("{\"title\":\"t\",\"content\":\"" + BODY_SECRET).getBytes(StandardCharsets.UTF_8), credentials);
    api.send("POST", "/api/items", "application/json",
        ("{\"title\":" + BODY_SECRET + "}").getBytes(StandardCharsets.UTF_8), credentials);
    api.send("POST", "/api/items", "application/json",
        ("{\"" + BODY_SECRET + "\":1}").getBytes(StandardCharsets.UTF_8), credentials);
    api.send("POST", "/api/items", "text/plain", BODY_SECRET.getBytes(StandardCharsets.UTF_8), credentials);
    api.send("GET", "/api/items", null, new byte[0], Map.of("Authorization", "Bearer " + TOKEN_SECRET + " ,,= bad"));
    api.send("GET", "/api/items", null, new byte[0], Map.of("Authorization", TOKEN_SECRET));
    api.send("PATCH", "/api/items/" + UUID.randomUUID(), "application/json",
        ("{\"content\":\"" + BODY_SECRET + "\"}").getBytes(StandardCharsets.UTF_8), Map.of("If-Match", BODY_SECRET));

    String text = logs.text();
    assertTrue(text.contains("Tablecast started"), "the logs were captured");
    assertTrue(text.lines().count() > 100, "DEBUG logging was on: " + text.lines().count() + " lines");
    assertFalse(text.contains(DATABASE_PASSWORD), "the database password is not logged");
    assertFalse(text.contains(TOKEN_SECRET), "credential headers are not logged");
    assertFalse(text.contains(BODY_SECRET), "request bodies and headers are not logged");
    assertTrue(text.contains("injected fault"), "the projection failure was logged");
    assertFalse(text.contains(ROW_SECRET), "values of a row that failed to project are not logged");
  }
}
