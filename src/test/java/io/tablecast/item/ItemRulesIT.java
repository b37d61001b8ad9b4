package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owners and roles, the status lifecycle, tags, history, min_version, and the rich list, on real tables. */
class ItemRulesIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;
  private static Api editor;
  private static Api owner;
  private static Api other;
  private static String ownerId;

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.queries.min-version-wait", "1s");
    node = TestNode.start(dataDir, config);
    admin = Users.admin(node.api);
    editor = Users.newEditor(node.api, "editor");
    owner = Users.newUser(node.api, "owner");
    other = Users.newUser(node.api, "other");
    ownerId = Users.id(owner);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonNode create(Api as, String json) {
    Api.Response r = as.post("/api/items", json);
    assertEquals(201, r.status(), r.toString());
    return r.json();
  }

  private static String item(String status) {
    String id = create(owner, "{\"title\":\"matrix\",\"content\":\"c\"}").get("id").asText();
    if (status.equals("published")) {
      assertEquals(200, owner.patch("/api/items/" + id, "{\"status\":\"published\"}").status());
    }
    eventually(CATCH_UP, () -> owner.get("/api/items/" + id), r -> r.status() == 200
        && r.json().get("status").asText().equals(status));
    return id;
  }

  @Test
  void authorizationMatrixOfRoleActionAndState() {
    Map<String, Api> actors = Map.of("owner", owner, "other", other, "editor", editor, "admin", admin);
    List<String> failures = new ArrayList<>();
    for (String state : List.of("draft", "published")) {
      for (Map.Entry<String, Api> actor : actors.entrySet()) {
        boolean privileged = !actor.getKey().equals("other");
        int read = privileged || state.equals("published") ? 200 : 404;
        int write = privileged ? 200 : state.equals("published") ? 403 : 404;
        String label = actor.getKey() + " on a " + state + " item: ";

        String id = item(state);
        check(failures, label + "GET", read, actor.getValue().get("/api/items/" + id));
        check(failures, label + "history", read, actor.getValue().get("/api/items/" + id + "/history"));
        check(failures, label + "PATCH", write, actor.getValue().patch("/api/items/" + id, "{\"title\":\"changed\"}"));
        check(failures, label + "DELETE", write, actor.getValue().delete("/api/items/" + id));

        String deleted = item(state);
        assertEquals(200, owner.delete("/api/items/" + deleted).status());
        check(failures, label + "restore", privileged ? 200 : 404, actor.getValue().post("/api/items/" + deleted + "/restore", ""));
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(401, node.api.get("/api/items").status());
    assertEquals(401, node.api.post("/api/items", "{\"title\":\"t\",\"content\":\"c\"}").status());
  }

  private static void check(List<String> failures, String what, int expected, Api.Response r) {
    if (r.status() != expected) {
      failures.add(what + " expected " + expected + ", got " + r);
    } else if (expected >= 400 && !"application/problem+json".equals(r.contentType())) {
      failures.add(what + " is not problem+json: " + r.contentType());
    }
  }

  @Test
  void anItemAModeratorDeletedIsRestoredOnlyByAModerator() {
    for (Api moderator : List.of(admin, editor)) {
      String id = item("published");
      assertEquals(200, moderator.delete("/api/items/" + id).status());
      Api.Response byOwner = owner.post("/api/items/" + id + "/restore", "");
      assertEquals(403, byOwner.status(), "the owner undid a moderation: " + byOwner);
      assertEquals("application/problem+json", byOwner.contentType());
      assertTrue(byOwner.json().get("detail").asText().contains("moderat"), byOwner.toString());
      Api.Response restored = moderator.post("/api/items/" + id + "/restore", "");
      assertEquals(200, restored.status(), restored.toString());

      // The deletion says it was a moderation; who moderated is for editors and admins to see.
      JsonNode deletedByModerator = owner.get("/api/items/" + id + "/history").json().get("data").get(2).get("payload");
      assertTrue(deletedByModerator.get("moderated").asBoolean(), deletedByModerator.toString());
      assertNull(deletedByModerator.get("deleted_by"), "the owner is not told which moderator: " + deletedByModerator);
      JsonNode asStaff = admin.get("/api/items/" + id + "/history").json().get("data").get(2).get("payload");
      assertEquals(Users.id(moderator), asStaff.get("deleted_by").asText(), asStaff.toString());
    }

    String own = item("published");
    assertEquals(200, owner.delete("/api/items/" + own).status());
    assertEquals(200, owner.post("/api/items/" + own + "/restore", "").status(), "the owner restores what they deleted");
    JsonNode deletedByOwner = owner.get("/api/items/" + own + "/history").json().get("data").get(2).get("payload");
    assertNull(deletedByOwner.get("moderated"), "not a moderation: " + deletedByOwner);

    // An editor deleting their own item is its owner, not a moderator: they restore it as its owner.
    String editors = create(editor, "{\"title\":\"editor's own\",\"content\":\"c\"}").get("id").asText();
    assertEquals(200, editor.delete("/api/items/" + editors).status());
    assertEquals(200, editor.post("/api/items/" + editors + "/restore", "").status());
  }

  @Test
  void theOwnerIsTheAuthenticatedCreator() {
    JsonNode item = create(owner, "{\"title\":\"mine\",\"content\":\"c\"}");
    assertEquals(ownerId, item.get("owner_id").asText());
    assertEquals(400, owner.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"owner_id\":\"" + UUID.randomUUID() + "\"}")
        .status(), "nobody picks the owner");
  }

  @Test
  void statusFollowsDraftPublishedArchivedDraft() {
    String id = create(owner, "{\"title\":\"life\",\"content\":\"c\"}").get("id").asText();
    Api.Response skip = owner.patch("/api/items/" + id, "{\"status\":\"archived\"}");
    assertEquals(409, skip.status(), skip.toString());
    String detail = skip.json().get("detail").asText();
    assertTrue(detail.contains("draft") && detail.contains("archived"), detail);
    for (String next : List.of("published", "archived", "draft")) {
      Api.Response r = owner.patch("/api/items/" + id, "{\"status\":\"" + next + "\"}");
      assertEquals(200, r.status(), r.toString());
      assertEquals(next, r.json().get("status").asText());
    }
    assertEquals(409, owner.patch("/api/items/" + id, "{\"status\":\"archived\"}").status());
  }

  @Test
  void tagsAreLimitedKeptInItemTagsAndReplacedByPatch() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add("\"t" + i + "\"");
    }
    assertField(owner.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"tags\":[" + String.join(",", many) + "]}"), "tags");
    assertField(owner.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"tags\":[\"" + "x".repeat(51) + "\"]}"), "tags");
    assertField(owner.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"tags\":[\"\"]}"), "tags");
    assertEquals(400, owner.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"tags\":[1]}").status());

    JsonNode item = create(owner, "{\"title\":\"tagged\",\"content\":\"c\",\"tags\":[\"red\",\"blue\",\"red\"]}");
    String id = item.get("id").asText();
    assertEquals("[\"blue\",\"red\"]", item.get("tags").toString());
    eventually(CATCH_UP, () -> tags(id), t -> t.equals(List.of("blue", "red")));
    Api.Response r = owner.patch("/api/items/" + id, "{\"tags\":[\"green\"]}");
    assertEquals("[\"green\"]", r.json().get("tags").toString());
    eventually(CATCH_UP, () -> tags(id), t -> t.equals(List.of("green")));
  }

  private static List<String> tags(String id) {
    List<String> tags = new ArrayList<>();
    try (Connection c = node.node.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tag FROM read.item_tags WHERE item_id = '" + UUID.fromString(id) + "' ORDER BY tag")) {
      while (rs.next()) {
        tags.add(rs.getString(1));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return tags;
  }

  @Test
  void patchWithExplicitNullClearsTheCategoryAndOnlyThat() {
    String category = editor.post("/api/categories", "{\"name\":\"Clearable " + UUID.randomUUID() + "\"}").json().get("id").asText();
    String id = create(owner, "{\"title\":\"cat\",\"content\":\"c\",\"category_id\":\"" + category + "\"}").get("id").asText();
    Api.Response unchanged = owner.patch("/api/items/" + id, "{\"content\":\"d\"}");
    assertEquals(category, unchanged.json().get("category_id").asText());
    Api.Response cleared = owner.patch("/api/items/" + id, "{\"category_id\":null}");
    assertEquals(200, cleared.status(), cleared.toString());
    assertTrue(cleared.json().get("category_id").isNull());
    assertTrue(cleared.json().get("category").isNull());
    assertEquals("d", cleared.json().get("content").asText());
    assertField(owner.patch("/api/items/" + id, "{\"category_id\":\"nope\"}"), "category_id");
  }

  @Test
  void historyListsTheEventsOfTheItemFromTheJournal() {
    String id = create(owner, "{\"title\":\"h\",\"content\":\"c\"}").get("id").asText();
    owner.patch("/api/items/" + id, "{\"title\":\"h2\"}");
    owner.delete("/api/items/" + id);
    owner.post("/api/items/" + id + "/restore", "");
    JsonNode page = owner.get("/api/items/" + id + "/history").json();
    assertTrue(page.get("next").isNull(), "one page holds the whole history: " + page);
    JsonNode history = page.get("data");
    assertEquals(4, history.size(), history.toString());
    List<String> types = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JsonNode e = history.get(i);
      types.add(e.get("type").asText());
      assertEquals(i + 1, e.get("version").asLong());
      assertNotNull(e.get("timestamp").asText());
      assertEquals(id, e.get("payload").get("item_id").asText());
      assertNull(e.get("payload").get("request_id"), "the request id is for the logs, not the API");
    }
    assertEquals(List.of("Created", "Updated", "Deleted", "Restored"), types);
    assertEquals("h2", history.get(1).get("payload").get("title").asText());
    assertEquals(404, owner.get("/api/items/" + UUID.randomUUID() + "/history").status());
  }

  @Test
  void minVersionWaitsForTheReadTableOrSaysItIsStale() {
    String id = create(owner, "{\"title\":\"v\",\"content\":\"c\"}").get("id").asText();
    Api.Response patched = owner.patch("/api/items/" + id, "{\"title\":\"v2\"}");
    assertEquals(2, patched.json().get("version").asLong());
    Api.Response fresh = owner.get("/api/items/" + id + "?min_version=2");
    assertEquals(200, fresh.status(), fresh.toString());
    assertEquals("v2", fresh.json().get("title").asText(), "waited for the write");
    assertNull(fresh.header("X-Read-Stale"));

    Api.Response stale = owner.get("/api/items/" + id + "?min_version=99");
    assertEquals(200, stale.status());
    assertEquals(2, stale.json().get("version").asLong());
    assertNotNull(stale.header("X-Read-Stale"), "a bounded wait, then what there is, marked stale");
    assertField(owner.get("/api/items/" + id + "?min_version=zero"), "min_version");
    assertField(owner.get("/api/items/" + id + "?min_version=0"), "min_version");
  }

  @Test
  void listFiltersSearchesSortsAndPagesOverTheReadTables() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String cat = editor.post("/api/categories", "{\"name\":\"List " + run + "\"}").json().get("id").asText();
    // Projected apart from the items: the list below names the category once it is read.
    eventually(CATCH_UP, () -> admin.get("/api/categories/" + cat).status(), status -> status == 200);
    Api second = Users.newUser(node.api, "second");
    String secondId = Users.id(second);
    List<String> ids = new ArrayList<>();
    // a0..a4 by owner (a0 a draft, the rest published), b0 by second, published with a category.
    ids.add(create(owner, "{\"title\":\"" + run + " a0 Draft\",\"content\":\"hidden\",\"tags\":[\"x" + run + "\"]}").get("id").asText());
    for (int i = 1; i < 5; i++) {
      String id = create(owner, "{\"title\":\"" + run + " a" + i + "\",\"content\":\"" + (i == 3 ? "has a NeedLe" + run + " inside" : i == 4 ? "une École" + run : "plain")
          + "\",\"status\":\"published\",\"tags\":[\"x" + run + "\"" + (i % 2 == 0 ? ",\"even" + run + "\"" : "") + "]}").get("id").asText();
      ids.add(id);
    }
    String middle = eventually(CATCH_UP, () -> admin.get("/api/items/" + ids.get(2)), r -> r.status() == 200)
        .json().get("created_at").asText();
    ids.add(create(second, "{\"title\":\"" + run + " b0 needle" + run + "\",\"content\":\"c\",\"status\":\"published\",\"category_id\":\"" + cat
        + "\"}").get("id").asText());
    String q = "&q=" + run;
    eventually(CATCH_UP, () -> admin.get("/api/items?limit=500" + q), r -> r.json().get("total").asLong() == 6);

    // Visibility: other users do not see owner's draft; the owner does.
    assertEquals(5, other.get("/api/items?limit=500" + q).json().get("total").asLong());
    assertEquals(6, owner.get("/api/items?limit=500" + q).json().get("total").asLong());
    // ... with a status filter too: others' drafts stay hidden, published ones are everyone's.
    assertEquals(0, other.get("/api/items?status=draft" + q).json().get("total").asLong());
    assertEquals(1, owner.get("/api/items?status=draft" + q).json().get("total").asLong());
    assertEquals(5, other.get("/api/items?status=published" + q).json().get("total").asLong());

    // q: case-insensitive, over title and content.
    JsonNode found = other.get("/api/items?q=nEEdle" + run + "&sort=title").json();
    assertEquals(2, found.get("total").asLong(), found.toString());
    assertEquals(ids.get(3), found.get("data").get(0).get("id").asText(), "content match");
    assertEquals(ids.get(5), found.get("data").get(1).get("id").asText(), "title match");
    assertEquals(0, other.get("/api/items?q=%25" + run).json().get("total").asLong(), "% is a character, not a wildcard");
    // ... for letters beyond ASCII too
    JsonNode accented = other.get("/api/items?q=" + URLEncoder.encode("éCOLE" + run, StandardCharsets.UTF_8)).json();
    assertEquals(1, accented.get("total").asLong(), accented.toString());
    assertEquals(ids.get(4), accented.get("data").get(0).get("id").asText());

    // filters
    assertEquals(1, admin.get("/api/items?status=draft" + q).json().get("total").asLong());
    JsonNode inCategory = other.get("/api/items?category_id=" + cat).json();
    assertEquals(1, inCategory.get("total").asLong());
    assertEquals("List " + run, inCategory.get("data").get(0).get("category").get("name").asText(), "category joined");
    assertEquals(cat, inCategory.get("data").get(0).get("category").get("id").asText());
    assertEquals(1, other.get("/api/items?owner_id=" + secondId + q).json().get("total").asLong());
    assertEquals(4, other.get("/api/items?owner_id=" + ownerId + q).json().get("total").asLong());
    assertEquals(4, other.get("/api/items?tag=x" + run).json().get("total").asLong());
    assertEquals(2, other.get("/api/items?tag=even" + run).json().get("total").asLong());
    String encoded = java.net.URLEncoder.encode(middle, java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(3, admin.get("/api/items?created_after=" + encoded + q).json().get("total").asLong());
    assertEquals(2, admin.get("/api/items?created_before=" + encoded + q).json().get("total").asLong());

    // sort and pages
    JsonNode byTitle = admin.get("/api/items?sort=-title&limit=2&skip=1" + q).json();
    assertEquals(6, byTitle.get("total").asLong());
    assertEquals(2, byTitle.get("data").size());
    assertEquals(run + " a4", byTitle.get("data").get(0).get("title").asText());
    assertEquals(run + " a3", byTitle.get("data").get(1).get("title").asText());
    JsonNode oldest = admin.get("/api/items?sort=created_at&limit=1" + q).json();
    assertEquals(ids.get(0), oldest.get("data").get(0).get("id").asText());

    // include_deleted is for admins
    owner.delete("/api/items/" + ids.get(1));
    eventually(CATCH_UP, () -> admin.get("/api/items?limit=500" + q), r -> r.json().get("total").asLong() == 5);
    assertEquals(6, admin.get("/api/items?include_deleted=true" + q).json().get("total").asLong());
    assertEquals(403, owner.get("/api/items?include_deleted=true" + q).status());

    // bad parameters
    for (String bad : List.of("sort=owner", "sort=-password", "skip=-1", "limit=0", "limit=501", "status=gone",
        "owner_id=x", "category_id=1", "created_after=yesterday", "created_before=2026-13-01", "include_deleted=maybe", "q=")) {
      Api.Response r = admin.get("/api/items?" + bad);
      assertEquals(400, r.status(), bad + " → " + r);
      assertEquals("application/problem+json", r.contentType());
    }
  }

  @Test
  void theSearchIsServedByTheTrigramIndex() throws Exception {
    try (Connection c = node.node.database().dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SET enable_seqscan = off");
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN SELECT id FROM read.items i"
          + " WHERE (lower(i.title) || ' ' || lower(i.content)) LIKE '%needle%'")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      assertTrue(plan.toString().contains("items_search_idx"), plan.toString());
    }
  }

  private static void assertField(Api.Response r, String field) {
    assertEquals(400, r.status(), r.toString());
    assertEquals("application/problem+json", r.contentType());
    assertTrue(r.json().get("errors").toString().contains("\"" + field + "\""), r.toString());
  }
}
