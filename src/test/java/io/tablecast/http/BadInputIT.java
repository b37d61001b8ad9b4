package io.tablecast.http;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tablecast.support.Api;
import io.tablecast.support.Users;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.TestNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus (src/test/resources/bad-input/*.json) against a real node: every rejected
 * request gets its 4xx as problem+json and writes nothing; odd but valid input is stored and
 * returned verbatim. New endpoints add cases to the corpus, not code here.
 */
class BadInputIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CORPORA = List.of("bad-input/items.json", "bad-input/users-and-categories.json",
      "bad-input/profiles.json", "bad-input/query-parameters.json");

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;
  private static String fixtureId;
  private static String adminId;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    api = node.admin();
    fixtureId = api.post("/api/items", "{\"title\":\"fixture\",\"content\":\"c\"}").json().get("id").asText();
    adminId = Users.id(api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @TestFactory
  Stream<DynamicTest> rejectedRequestsGetAProblemAndWriteNothing() throws Exception {
    return cases("rejected").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
      long before = events();
      Api.Response r = send(c);
      int expected = c.get("status").asInt();
      assertEquals(expected, r.status(), r.toString());
      assertTrue(expected >= 400 && expected < 500, "the corpus only expects 4xx here");
      assertEquals("application/problem+json", r.contentType(), r.toString());
      assertEquals("nosniff", r.header("X-Content-Type-Options"), "security headers on errors too");
      assertEquals("no-store", r.header("Cache-Control"));
      assertEquals(null, r.header("Access-Control-Allow-Origin"), "CORS is off unless configured");
      JsonNode problem = r.json();
      assertEquals(expected, problem.get("status").asInt());
      assertFalse(problem.path("title").asText().isBlank());
      assertFalse(problem.path("detail").asText().isBlank());
      if (c.has("field")) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertTrue(fields.contains(c.get("field").asText()), "errors name " + c.get("field") + ": " + r);
      }
      assertEquals(before, events(), "a rejected request wrote no event");
    }));
  }

  @TestFactory
  Stream<DynamicTest> oddButValidRequestsAreAnswered() throws Exception {
    return cases("accepted").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
      Api.Response r = send(c);
      assertEquals(c.get("status").asInt(), r.status(), r.toString());
    }));
  }

  @TestFactory
  Stream<DynamicTest> textIsStoredAndReturnedVerbatim() throws Exception {
    return cases("verbatim").map(text -> DynamicTest.dynamicTest(text.asText(), () -> {
      ObjectNode body = JsonNodeFactory.instance.objectNode().put("title", text.asText()).put("content", text.asText());
      Api.Response created = api.post("/api/items", JSON.writeValueAsString(body));
      assertEquals(201, created.status(), created.toString());
      assertEquals(text.asText(), created.json().get("title").asText());
      String id = created.json().get("id").asText();
      JsonNode read = eventually(Duration.ofSeconds(30), () -> api.get("/api/items/" + id), r -> r.status() == 200).json();
      assertEquals(text.asText(), read.get("title").asText(), "read back from the table");
      assertEquals(text.asText(), read.get("content").asText());

      ObjectNode change = JsonNodeFactory.instance.objectNode().put("content", "changed " + text.asText());
      Api.Response patched = api.patch("/api/items/" + id, JSON.writeValueAsString(change));
      assertEquals(200, patched.status(), patched.toString());
      assertEquals("changed " + text.asText(), patched.json().get("content").asText());
    }));
  }

  /**
   * Request targets java.net.URI refuses to build (a broken percent escape), sent as raw bytes: Akka
   * HTTP refuses them before any route runs, and still answers a problem document.
   */
  @TestFactory
  Stream<DynamicTest> aBrokenPercentEscapeGetsAProblemToo() {
    return Stream.of("/api/items?q=%ZZ", "/api/items?q=%", "/api/items?q=a%2", "/api/items?q=%%").map(target ->
        DynamicTest.dynamicTest(target, () -> {
          String response = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
          String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
          assertTrue(head.startsWith("http/1.1 400 "), response);
          assertTrue(head.contains("\r\ncontent-type: application/problem+json"), response);
          assertTrue(head.contains("\r\nx-content-type-options: nosniff"), response);
          JsonNode problem = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
          assertEquals(400, problem.get("status").asInt(), response);
          assertFalse(problem.path("detail").asText().isBlank(), response);
        }));
  }

  /** One request over a new connection, and everything the server answers until it closes it. */
  private static String raw(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.node.httpAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Stream<JsonNode> cases(String section) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    for (String corpus : CORPORA) {
      try (InputStream in = BadInputIT.class.getClassLoader().getResourceAsStream(corpus)) {
        JSON.readTree(in).path(section).forEach(all::add);
      }
    }
    return all.stream();
  }

  private static Api.Response send(JsonNode c) {
    String path = placeholders(c.get("path").asText());
    byte[] body = body(c);
    Map<String, String> headers = new HashMap<>(Map.of("Origin", "https://somewhere.example.com"));
    c.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), placeholders(h.getValue().asText())));
    String contentType = c.path("content_type").asText(body.length > 0 || c.has("body") ? "application/json" : null);
    return api.send(c.get("method").asText(), path, contentType, body, headers);
  }

  /** {id}: the fixture item; {me}: the caller (the bootstrap admin); {random}: a fresh UUID. (Tokens, e.g. {token:expired}, will join here.) */
  private static String placeholders(String text) {
    return text.replace("{id}", fixtureId).replace("{me}", adminId).replace("{random}", UUID.randomUUID().toString());
  }

  private static byte[] body(JsonNode c) {
    if (c.has("body_base64")) {
      return Base64.getDecoder().decode(c.get("body_base64").asText());
    }
    if (c.has("body_generator")) {
      String[] g = c.get("body_generator").asText().split(":");
      if (g[0].equals("long")) {
        ObjectNode base = (ObjectNode) readTree(c.path("body").asText("{}"));
        return base.put(g[1], "x".repeat(Integer.parseInt(g[2]))).toString().getBytes(StandardCharsets.UTF_8);
      }
      int n = Integer.parseInt(g[1]);
      return switch (g[0]) {
        case "nested" -> ("{\"title\":" + "[".repeat(n) + "]".repeat(n) + "}").getBytes(StandardCharsets.UTF_8);
        case "nested-object" -> ("{\"a\":".repeat(n) + "1" + "}".repeat(n)).getBytes(StandardCharsets.UTF_8);
        case "repeat" -> ("{\"title\":\"t\",\"content\":\"" + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8);
        case "escaped" -> ("{\"title\":\"t\",\"content\":\"" + "\\u0001".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8);
        default -> throw new IllegalArgumentException("unknown body_generator " + g[0]);
      };
    }
    return c.path("body").asText("").getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("a case's body is not JSON: " + json, e);
    }
  }

  private static long events() throws Exception {
    try (Connection c = node.node.database().dataSource().getConnection()) {
      return JournalAudit.events(c);
    }
  }
}
