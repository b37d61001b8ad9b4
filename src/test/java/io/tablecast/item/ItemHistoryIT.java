package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /api/items/{id}/history: pages of the item's events (a number of them and a byte budget,
 * followed by their next), shown by the item's own visibility rules: its owner, editors and
 * admins see every version; other users only those after which the item was published and not
 * deleted; a deleted item's history is not found, like the item, unless asked for by who may see it.
 */
class ItemHistoryIT {
  private static final int DEFAULT_LIMIT = 4;
  private static final int MAX_LIMIT = 10;
  private static final int MAX_PAGE_BYTES = 20_000;
  /** What a page's JSON adds to its entries ({"data":[...],"limit":10,"next":"123"}), with room to spare. */
  private static final int ENVELOPE_BYTES = 200;

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;
  private static Api editor;
  private static Api owner;
  private static Api other;

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.queries.history.default-limit", DEFAULT_LIMIT);
    config.put("tablecast.queries.history.max-limit", MAX_LIMIT);
    config.put("tablecast.queries.history.max-page-bytes", MAX_PAGE_BYTES);
    node = TestNode.start(dataDir, config);
    admin = Users.admin(node.api);
    editor = Users.newEditor(node.api, "editor");
    owner = Users.newUser(node.api, "owner");
    other = Users.newUser(node.api, "other");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String create(Api as, String json) {
    Api.Response r = as.post("/api/items", json);
    assertEquals(201, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static void patch(Api as, String id, String json) {
    Api.Response r = as.patch("/api/items/" + id, json);
    assertEquals(200, r.status(), r.toString());
  }

  private static Api.Response history(Api as, String id, String query) {
    return as.get("/api/items/" + id + "/history" + query);
  }

  /** Every page from the first, following next; the versions of their entries, in order. */
  private static List<Long> walk(Api as, String id, int limit) {
    List<Long> versions = new ArrayList<>();
    String query = "?limit=" + limit;
    for (int pages = 0; pages < 100; pages++) {
      Api.Response r = history(as, id, query);
      assertEquals(200, r.status(), r.toString());
      JsonNode page = r.json();
      assertTrue(page.get("data").size() <= limit, r.toString());
      page.get("data").forEach(e -> versions.add(e.get("version").asLong()));
      if (page.get("next").isNull()) {
        return versions;
      }
      query = "?limit=" + limit + "&after=" + page.get("next").asText();
    }
    throw new AssertionError("the history of " + id + " did not end within 100 pages: " + versions);
  }

  private static List<Long> versions(JsonNode page) {
    List<Long> versions = new ArrayList<>();
    page.get("data").forEach(e -> versions.add(e.get("version").asLong()));
    return versions;
  }

  @Test
  void historyComesInPagesThatFollowEachOther() {
    String id = create(owner, "{\"title\":\"paged\",\"content\":\"c\"}");
    for (int i = 1; i <= 6; i++) {
      patch(owner, id, "{\"title\":\"paged " + i + "\"}");
    }
    Api.Response first = history(owner, id, "");
    assertEquals(200, first.status(), first.toString());
    assertTrue(first.json().isObject(), "a page, not the whole journal as one array: " + first);
    assertEquals(List.of(1L, 2L, 3L, 4L), versions(first.json()), "the configured default limit");
    assertEquals(DEFAULT_LIMIT, first.json().get("limit").asInt());
    assertEquals("4", first.json().get("next").asText());

    JsonNode second = history(owner, id, "?limit=2&after=4").json();
    assertEquals(List.of(5L, 6L), versions(second));
    assertEquals(2, second.get("limit").asInt());
    JsonNode last = history(owner, id, "?limit=2&after=" + second.get("next").asText()).json();
    assertEquals(List.of(7L), versions(last));
    assertTrue(last.get("next").isNull(), "the last page has no next: " + last);
    assertEquals("paged 6", last.get("data").get(0).get("payload").get("title").asText());
    assertTrue(last.get("data").get(0).get("payload").get("request_id") == null, "the request id is for the logs");

    JsonNode beyond = history(owner, id, "?after=7").json();
    assertEquals(0, beyond.get("data").size());
    assertTrue(beyond.get("next").isNull());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), walk(owner, id, MAX_LIMIT));
  }

  @Test
  void badPageParametersAreFieldErrors() {
    String id = create(owner, "{\"title\":\"params\",\"content\":\"c\"}");
    for (String query : List.of("?limit=0", "?limit=" + (MAX_LIMIT + 1), "?limit=x", "?after=-1", "?after=x",
        "?after=1.5", "?include_deleted=maybe")) {
      Api.Response r = history(owner, id, query);
      assertEquals(400, r.status(), query + ": " + r);
      assertEquals("application/problem+json", r.contentType(), query);
      String field = query.substring(1, query.indexOf('='));
      assertEquals(field, r.json().get("errors").get(0).get("field").asText(), query + ": " + r);
    }
  }

  @Test
  void aPageStopsAtItsByteBudgetYetHoldsAtLeastOneEntry() {
    String big = "b".repeat(MAX_PAGE_BYTES / 3);
    String id = create(owner, "{\"title\":\"budget\",\"content\":\"" + big + "\"}");
    for (int i = 1; i <= 5; i++) {
      patch(owner, id, "{\"content\":\"" + (i % 2 == 0 ? big : big.replace('b', 'c')) + "\"}");
    }
    Api.Response first = history(owner, id, "?limit=" + MAX_LIMIT);
    int bytes = first.raw().body().getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= MAX_PAGE_BYTES + ENVELOPE_BYTES, "a page of " + bytes + " bytes, over its budget of " + MAX_PAGE_BYTES);
    assertEquals(200, first.status(), first.toString().substring(0, 200));
    assertEquals(2, first.json().get("data").size(), "two entries of a third of the budget fit, three do not");
    assertEquals("2", first.json().get("next").asText(), "the next page starts with the entry that did not fit");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), walk(owner, id, MAX_LIMIT));

    String huge = "h".repeat(MAX_PAGE_BYTES * 2);
    String alone = create(owner, "{\"title\":\"alone\",\"content\":\"" + huge + "\"}");
    patch(owner, alone, "{\"title\":\"alone 2\"}");
    JsonNode page = history(owner, alone, "?limit=" + MAX_LIMIT).json();
    assertEquals(List.of(1L), versions(page), "an entry larger than the budget is a page of its own");
    assertEquals(huge, page.get("data").get(0).get("payload").get("content").asText());
    assertEquals(List.of(1L, 2L), walk(owner, alone, MAX_LIMIT));
  }

  @Test
  void othersSeeOnlyTheVersionsAfterWhichTheItemWasPublished() {
    String id = create(owner,
        "{\"title\":\"secret draft title\",\"content\":\"secret draft content\",\"tags\":[\"secret-tag\"]}");
    patch(owner, id, "{\"title\":\"second secret draft\"}");                               // 2: draft
    patch(owner, id, "{\"status\":\"published\",\"title\":\"public\",\"content\":\"public\",\"tags\":[]}"); // 3
    patch(owner, id, "{\"content\":\"public, edited\"}");                                    // 4
    assertEquals(200, owner.delete("/api/items/" + id).status());                            // 5: deleted
    assertEquals(200, owner.post("/api/items/" + id + "/restore", "").status());             // 6: published again

    Api.Response seen = history(other, id, "?limit=" + MAX_LIMIT);
    assertFalse(seen.raw().body().contains("secret"), "another user saw the item's drafts: " + seen);
    assertEquals(200, seen.status(), seen.toString());
    assertEquals(List.of(3L, 4L, 6L), versions(seen.json()), seen.toString());
    assertEquals(List.of(3L, 4L, 6L), walk(other, id, 2), "pages of two events, continued after hidden ones");
    assertEquals(List.of(6L), versions(history(other, id, "?after=5").json()), "after the deletion: the restore");
    assertEquals(List.of(6L), versions(history(other, id, "?after=4").json()));

    for (Api privileged : List.of(owner, editor, admin)) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), walk(privileged, id, 4));
    }

    patch(owner, id, "{\"status\":\"archived\"}");                                            // 7: archived
    assertEquals(404, history(other, id, "").status(), "an archived item is not another user's to see");
    patch(owner, id, "{\"status\":\"draft\",\"content\":\"secret again\"}");                  // 8
    patch(owner, id, "{\"status\":\"published\",\"content\":\"public again\"}");             // 9
    List<Long> later = walk(other, id, 3);
    assertEquals(List.of(3L, 4L, 6L, 9L), later, "no archived or draft version in between");
    assertFalse(history(other, id, "?after=6").raw().body().contains("secret"));
  }

  @Test
  void aDeletedItemsHistoryIsNotFoundLikeTheItemUnlessAskedForByWhoMayChangeIt() {
    String id = create(owner, "{\"title\":\"gone\",\"content\":\"c\",\"status\":\"published\"}");
    assertEquals(200, owner.delete("/api/items/" + id).status());
    eventually(Duration.ofSeconds(20), () -> owner.get("/api/items/" + id), r -> r.status() == 404); // the item itself

    Api.Response own = history(owner, id, "");
    assertEquals(404, own.status(), "the history of a deleted item, like the item: " + own);
    assertEquals("application/problem+json", own.contentType());
    assertEquals(404, history(other, id, "").status());
    assertEquals(404, history(other, id, "?include_deleted=true").status(), "not for a user who may not change it");
    for (Api privileged : List.of(owner, editor, admin)) {
      Api.Response r = history(privileged, id, "?include_deleted=true");
      assertEquals(200, r.status(), r.toString());
      assertEquals(List.of(1L, 2L), versions(r.json()));
      assertEquals("Deleted", r.json().get("data").get(1).get("type").asText());
    }
  }
}
