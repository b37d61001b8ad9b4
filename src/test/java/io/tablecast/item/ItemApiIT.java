package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP → Item aggregate → journal → items projection → items table → HTTP, on a real PostgreSQL. */
class ItemApiIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    // These tests are about the item lifecycle, not authorization: they act as the admin.
    api = Users.admin(node.api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonNode create(String title, String content) {
    Api.Response r = api.post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"" + content + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json();
  }

  /** GET from the read table until it shows at least the given version. */
  private static JsonNode readVersion(String id, long version, String query) {
    return eventually(CATCH_UP, () -> api.get("/api/items/" + id + query),
        r -> r.status() == 200 && r.json().get("version").asLong() >= version).json();
  }

  private static Map<String, Object> row(String id) throws Exception {
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM read.items WHERE id = ?")) {
      ps.setObject(1, UUID.fromString(id));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "row for " + id);
        return Map.of(
            "created_at", rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            "updated_at", rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
            "deleted_at", rs.getObject("deleted_at") == null ? "null" : rs.getObject("deleted_at", OffsetDateTime.class).toInstant(),
            "version", rs.getLong("version"));
      }
    }
  }

  /** The events of an item as stored in the journal, decoded from their JSON payloads. */
  private static List<JsonNode> journal(String id) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT event_payload FROM journal.event_journal WHERE persistence_id = ? ORDER BY sequence_number")) {
      ps.setString(1, "Item|" + id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(JSON.readTree(new String(rs.getBytes(1), StandardCharsets.UTF_8)));
        }
      }
    }
    return events;
  }

  @Test
  void createReturnsTheNewItemAndTheReadTableCatchesUp() throws Exception {
    Api.Response r = api.post("/api/items", "{\"title\":\"First\",\"content\":\"Hello\"}");
    assertEquals(201, r.status(), r.toString());
    JsonNode item = r.json();
    String id = item.get("id").asText();
    assertEquals(id, UUID.fromString(id).toString());
    assertEquals(7, UUID.fromString(id).version(), "a time-ordered id");
    assertEquals("First", item.get("title").asText());
    assertEquals("Hello", item.get("content").asText());
    assertTrue(item.get("category_id").isNull());
    assertEquals("draft", item.get("status").asText());
    assertEquals(1, item.get("version").asLong());
    assertEquals(item.get("created_at"), item.get("updated_at"));
    assertTrue(item.get("deleted_at").isNull());
    assertEquals("\"1\"", r.header("ETag"));
    assertEquals("/api/items/" + id, r.header("Location"));

    JsonNode read = readVersion(id, 1, "");
    assertEquals(item, read, "the read table shows exactly what the aggregate accepted");
  }

  @Test
  void timestampsInTheReadTableComeFromTheEvents() throws Exception {
    String id = create("Timed", "t").get("id").asText();
    api.patch("/api/items/" + id, "{\"title\":\"Timed 2\"}");
    api.delete("/api/items/" + id);
    eventually(CATCH_UP, () -> api.get("/api/items/" + id + "?include_deleted=true"),
        r -> r.status() == 200 && r.json().get("version").asLong() == 3);

    List<JsonNode> events = journal(id);
    assertEquals(3, events.size());
    Instant createdAt = Instant.parse(events.get(0).get("at").asText());
    Instant deletedAt = Instant.parse(events.get(2).get("at").asText());
    Map<String, Object> row = row(id);
    assertEquals(createdAt, row.get("created_at"));
    assertEquals(deletedAt, row.get("updated_at"));
    assertEquals(deletedAt, row.get("deleted_at"));
    assertEquals(3L, row.get("version"));
  }

  @Test
  void patchChangesOnlyTheFieldsSent() {
    JsonNode item = create("Keep me", "old");
    String id = item.get("id").asText();
    Api.Response r = api.patch("/api/items/" + id, "{\"content\":\"new\"}");
    assertEquals(200, r.status(), r.toString());
    JsonNode read = readVersion(id, 2, "");
    assertEquals("Keep me", read.get("title").asText());
    assertEquals("new", read.get("content").asText());
    assertEquals(item.get("created_at"), read.get("created_at"));
    assertFalse(item.get("updated_at").equals(read.get("updated_at")));

    Api.Response published = api.patch("/api/items/" + id, "{\"status\":\"published\"}");
    assertEquals("published", published.json().get("status").asText());
    assertEquals("new", published.json().get("content").asText());
  }

  @Test
  void deleteIsSoftAndRestoreBringsTheItemBack() {
    String id = create("Doomed", "x").get("id").asText();
    Api.Response deleted = api.delete("/api/items/" + id);
    assertEquals(200, deleted.status(), deleted.toString());
    assertFalse(deleted.json().get("deleted_at").isNull());

    eventually(CATCH_UP, () -> api.get("/api/items/" + id), r -> r.status() == 404);
    JsonNode kept = readVersion(id, 2, "?include_deleted=true");
    assertFalse(kept.get("deleted_at").isNull(), "the row is kept, marked deleted");

    Api.Response update = api.patch("/api/items/" + id, "{\"title\":\"Zombie\"}");
    assertEquals(409, update.status());
    assertEquals("application/problem+json", update.contentType());
    assertEquals(409, update.json().get("status").asInt());
    assertTrue(update.json().get("detail").asText().contains("deleted"), update.toString());

    Api.Response restored = api.post("/api/items/" + id + "/restore", "");
    assertEquals(200, restored.status(), restored.toString());
    JsonNode back = readVersion(id, 3, "");
    assertTrue(back.get("deleted_at").isNull());
    assertEquals("Doomed", back.get("title").asText());
    assertEquals(409, api.post("/api/items/" + id + "/restore", "").status(), "restoring a live item conflicts");
  }

  @Test
  void listPagesWithTotalAndHidesDeletedItems() {
    String prefix = "page-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(create(prefix + "-" + i, "c").get("id").asText());
    }
    api.delete("/api/items/" + ids.get(0));
    for (String id : ids) {
      readVersion(id, 1, "?include_deleted=true");
    }
    eventually(CATCH_UP, () -> api.get("/api/items/" + ids.get(0)), r -> r.status() == 404);

    JsonNode all = api.get("/api/items?skip=0&limit=500&sort=title").json();
    long total = all.get("total").asLong();
    assertEquals(all.get("data").size(), total);
    JsonNode page = api.get("/api/items?skip=1&limit=2&sort=-created_at").json();
    assertEquals(total, page.get("total").asLong());
    assertEquals(1, page.get("skip").asInt());
    assertEquals(2, page.get("limit").asInt());
    assertEquals(2, page.get("data").size());
    List<String> listed = new ArrayList<>();
    all.get("data").forEach(i -> listed.add(i.get("id").asText()));
    assertFalse(listed.contains(ids.get(0)), "deleted items are not listed");
    assertTrue(listed.containsAll(ids.subList(1, 5)));
    JsonNode withDeleted = api.get("/api/items?limit=500&include_deleted=true").json();
    assertEquals(total + 1, withDeleted.get("total").asLong(), "include_deleted lists the deleted one too");
  }

  /** Lists show the first list-content-chars (1,000) characters of a content; a read by id shows all of it. */
  @Test
  void listsCutLongContentAndSaySoWhileTheItemHasAllOfIt() {
    String prefix = "cut-" + UUID.randomUUID().toString().substring(0, 8);
    String longContent = "é".repeat(999) + "\uD83D\uDE00" + "z".repeat(500);
    String exact = "x".repeat(1000);
    String longId = create(prefix + "-long", longContent).get("id").asText();
    String exactId = create(prefix + "-exact", exact).get("id").asText();
    readVersion(longId, 1, "");
    readVersion(exactId, 1, "");

    JsonNode page = api.get("/api/items?q=" + prefix + "&sort=title&limit=10").json();
    assertEquals(2, page.get("data").size(), page.toString());
    JsonNode exactRow = page.get("data").get(0);
    JsonNode longRow = page.get("data").get(1);
    assertEquals(longId, longRow.get("id").asText());
    String shown = longRow.get("content").asText();
    assertEquals(1000, shown.codePointCount(0, shown.length()), "1,000 characters, not the " + longContent.length() + " stored");
    assertEquals("é".repeat(999) + "\uD83D\uDE00", shown, "cut at a character, never inside one");
    assertTrue(longRow.get("content_truncated").asBoolean(), longRow.toString());
    assertEquals(exact, exactRow.get("content").asText());
    assertFalse(exactRow.get("content_truncated").asBoolean(), "exactly 1,000 characters are not cut");

    JsonNode full = api.get("/api/items/" + longId).json();
    assertEquals(longContent, full.get("content").asText(), "a read by id has all of it");
    assertFalse(full.get("content_truncated").asBoolean());
  }

  @Test
  void ifMatchGuardsAgainstLostUpdates() {
    String id = create("Guarded", "x").get("id").asText();
    Api.Response stale = api.patch("/api/items/" + id, "{\"title\":\"A\"}", Map.of("If-Match", "\"5\""));
    assertEquals(412, stale.status(), stale.toString());
    Api.Response fresh = api.patch("/api/items/" + id, "{\"title\":\"A\"}", Map.of("If-Match", "\"1\""));
    assertEquals(200, fresh.status(), fresh.toString());
    assertEquals("\"2\"", fresh.header("ETag"));
  }

  @Test
  void badInputGetsAClearProblemAndChangesNothing() {
    assertProblem(api.post("/api/items", "{\"content\":\"no title\"}"), 400, "title");
    assertProblem(api.post("/api/items", "{\"title\":\"\",\"content\":\"c\"}"), 400, "title");
    assertProblem(api.post("/api/items", "{\"title\":\"" + "x".repeat(201) + "\",\"content\":\"c\"}"), 400, "title");
    assertProblem(api.post("/api/items", "{\"title\":\"t\"}"), 400, "content");
    assertProblem(api.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"status\":\"live\"}"), 400, "status");
    assertProblem(api.post("/api/items", "{\"title\":42,\"content\":\"c\"}"), 400, null);
    assertProblem(api.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"colour\":\"red\"}"), 400, null);
    assertProblem(api.post("/api/items", "{\"title\":"), 400, null);
    assertProblem(api.post("/api/items", "[]"), 400, null);
    assertProblem(api.send("POST", "/api/items", "text/plain", "{}".getBytes()), 415, null);
    byte[] huge = ("{\"title\":\"t\",\"content\":\"" + "x".repeat(1_100_000) + "\"}").getBytes();
    assertProblem(api.send("POST", "/api/items", "application/json", huge), 413, null);
    assertProblem(api.get("/api/items/not-a-uuid"), 404, null);
    assertProblem(api.get("/api/items/" + UUID.randomUUID()), 404, null);
    assertProblem(api.patch("/api/items/" + UUID.randomUUID(), "{\"title\":\"x\"}"), 404, null);
    assertProblem(api.get("/api/items?limit=0"), 400, "limit");
    assertProblem(api.get("/api/items?limit=501"), 400, "limit");
    assertProblem(api.get("/api/items?skip=-1"), 400, "skip");
    assertProblem(api.get("/api/items?skip=abc"), 400, "skip");
    assertProblem(api.get("/api/items?sort=password"), 400, "sort");

    String id = create("Untouched", "c").get("id").asText();
    assertProblem(api.patch("/api/items/" + id, "{\"title\":null}"), 400, "title");
    assertProblem(api.patch("/api/items/" + id, "{\"owner_id\":\"x\"}"), 400, "owner_id");
    assertProblem(api.patch("/api/items/" + id, "{\"status\":\"gone\"}"), 400, "status");
    assertProblem(api.patch("/api/items/" + id, "{\"title\":\"ok\"}", Map.of("If-Match", "banana")), 400, null);
    JsonNode read = readVersion(id, 1, "");
    assertEquals("Untouched", read.get("title").asText());
    assertEquals(1, read.get("version").asLong(), "rejected requests wrote no events");
  }

  private static void assertProblem(Api.Response r, int status, String field) {
    assertEquals(status, r.status(), r.toString());
    assertEquals("application/problem+json", r.contentType(), r.toString());
    JsonNode problem = r.json();
    assertEquals(status, problem.get("status").asInt());
    assertNotNull(problem.get("title"));
    assertFalse(problem.get("detail").asText().isBlank());
    if (field != null) {
      List<String> fields = new ArrayList<>();
      problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
      assertTrue(fields.contains(field), "errors name " + field + ": " + r);
    }
  }

  @Test
  void everyResponseCarriesARequestIdAndIsCountedInMetrics() {
    Api.Response created = api.post("/api/items", "{\"title\":\"Measured\",\"content\":\"c\"}");
    assertEquals(36, created.header("X-Request-Id").length(), "a generated request id");
    Api.Response echoed = api.send("GET", "/api/items/not-a-uuid", null, new byte[0]);
    assertNotNull(echoed.header("X-Request-Id"));
    api.get("/api/items/" + UUID.randomUUID());
    api.get("/api/items/" + UUID.randomUUID() + "/no/such/route");

    Api.Response metrics = api.get("/metrics");
    assertEquals(200, metrics.status());
    String text = metrics.raw().body();
    assertTrue(text.contains("tablecast_http_requests_total{method=\"POST\",route=\"/api/items\",status=\"201\"}"), text);
    assertTrue(text.contains("route=\"/api/items/{id}\",status=\"404\""), "ids are folded into {id}");
    assertTrue(text.contains("route=\"{unmatched}\""), "a path that is no route is counted as {unmatched}");
    assertTrue(text.contains("tablecast_http_request_duration_seconds_bucket{"), "latency histogram");
    assertTrue(text.contains("tablecast_commands_total{aggregate=\"item\",outcome=\"accepted\"}"), "commands by outcome");
    assertTrue(text.contains("tablecast_db_pool_connections{state=\"max\"} 8"), "pool size");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");

    String named = api.get("/metrics?name=jvm_memory_used_bytes&name%5B%5D=tablecast_commands_total").raw().body();
    assertTrue(named.contains("jvm_memory_used_bytes{area=\"heap\"}"), named);
    assertTrue(named.contains("tablecast_commands_total{aggregate=\"item\",outcome=\"accepted\"}"), named);
    assertFalse(named.contains("tablecast_http_requests_total"), "only the named families: " + named);
    assertFalse(named.contains("jvm_threads"), "only the named families: " + named);
  }

  @Test
  void readinessAndLivenessAreServedOnTheManagementPort() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    for (String path : List.of("/ready", "/alive")) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), path + ": " + r.body());
    }
    // Unauthenticated, so it only reads: no member can be made to leave or be downed through it.
    String self = "akka://tablecast@127.0.0.1:" + node.node.system().address().getPort().get();
    for (String method : List.of("DELETE", "PUT")) {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort + "/cluster/members/" + self))
              .method(method, HttpRequest.BodyPublishers.ofString("operation=Leave"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, r.statusCode(), method + " /cluster/members/" + self + ": " + r.body());
    }
  }

  @Test
  void theAdminApiNeedsTheAdminRole() {
    Api user = Users.newUser(node.api, "not-admin");
    for (String path : List.of("/admin/projections", "/admin/schema")) {
      Api.Response anonymous = node.api.get(path);
      assertEquals(401, anonymous.status(), path + ": " + anonymous);
      Api.Response forbidden = user.get(path);
      assertEquals(403, forbidden.status(), path + ": " + forbidden);
      assertTrue(forbidden.contentType().startsWith("application/problem+json"), forbidden.contentType());
      assertEquals(200, api.get(path).status(), "the admin may");
    }
    assertEquals(403, user.post("/admin/projections/items/rebuild", "").status());
  }
}
