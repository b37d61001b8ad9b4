package io.tablecast.http;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list's total is exact up to {@code queries.exact-total-up-to} matching rows (3 here) and an
 * estimate beyond, marked {@code total_exact: false}; a page that is not full is the last one and
 * gives the exact total whatever the cap. Pages cut before the join still carry their tags and
 * category. A full page's {@code next}, given back as {@code after}, starts the page after its last
 * row: walking a list that way gives the rows skip gives, in the same order, each once.
 */
class ListPagesIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(10);
  private static final int EXACT_UP_TO = 3;

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.queries.exact-total-up-to", EXACT_UP_TO);
    node = TestNode.start(dataDir, config);
    admin = node.admin();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Creates {@code count} items tagged {@code tag}, in a category; waits until the category and all items are listed. */
  private static List<String> items(String tag, int count) {
    String category = admin.post("/api/categories", "{\"name\":\"Cat " + tag + "\"}").json().get("id").asText();
    // The categories projection runs apart from the items one: the listed items name the category once it is read.
    eventually(CATCH_UP, () -> admin.get("/api/categories/" + category).status(), status -> status == 200);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Api.Response r = admin.post("/api/items", "{\"title\":\"" + tag + " " + i + "\",\"content\":\"c\",\"category_id\":\""
          + category + "\",\"tags\":[\"" + tag + "\",\"z" + i + "\"]}");
      assertEquals(201, r.status(), r.toString());
      ids.add(r.json().get("id").asText());
    }
    eventually(CATCH_UP, () -> admin.get("/api/items?limit=500&tag=" + tag), r -> r.json().get("data").size() == count);
    return ids;
  }

  private static JsonNode page(String tag, int skip, int limit) {
    Api.Response r = admin.get("/api/items?sort=title&tag=" + tag + "&skip=" + skip + "&limit=" + limit);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  @Test
  void totalIsExactUpToTheCapAndAnEstimateBeyond() {
    String tag = "many" + UUID.randomUUID().toString().substring(0, 8);
    items(tag, 6);

    JsonNode first = page(tag, 0, 2);
    assertFalse(first.get("total_exact").asBoolean(), first.toString());
    assertTrue(first.get("total").asLong() > EXACT_UP_TO, "more rows than the cap were counted: " + first);

    JsonNode deep = page(tag, 4, 2);
    assertFalse(deep.get("total_exact").asBoolean(), deep.toString());
    assertTrue(deep.get("total").asLong() >= 6, "never fewer than the rows the pages have shown: " + deep);

    JsonNode beyond = page(tag, 10, 2);
    assertEquals(0, beyond.get("data").size());
    assertFalse(beyond.get("total_exact").asBoolean(), beyond.toString());
    assertTrue(beyond.get("total").asLong() > EXACT_UP_TO, beyond.toString());

    JsonNode last = page(tag, 5, 2);
    assertEquals(1, last.get("data").size());
    assertEquals(6, last.get("total").asLong(), "a page that is not full is the last one: " + last);
    assertTrue(last.get("total_exact").asBoolean());

    JsonNode all = page(tag, 0, 10);
    assertEquals(6, all.get("total").asLong());
    assertTrue(all.get("total_exact").asBoolean());
  }

  @Test
  void totalIsExactWhenNoMoreRowsThanTheCapMatch() {
    String tag = "few" + UUID.randomUUID().toString().substring(0, 8);
    items(tag, 3);
    for (int skip : new int[] {0, 1, 3, 7}) {
      JsonNode page = page(tag, skip, 1 + (skip == 1 ? 1 : 0));
      assertEquals(3, page.get("total").asLong(), "skip " + skip + ": " + page);
      assertTrue(page.get("total_exact").asBoolean(), "skip " + skip + ": " + page);
    }
  }

  @Test
  void aPageCarriesTheSameRowsAsSingleReadsTagsAndCategoryIncluded() {
    String tag = "rows" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = items(tag, 5);
    JsonNode page = page(tag, 2, 2);
    assertEquals(2, page.get("data").size(), page.toString());
    for (int i = 0; i < 2; i++) {
      JsonNode listed = page.get("data").get(i);
      assertEquals(ids.get(2 + i), listed.get("id").asText(), "sorted by title, skipping two");
      assertEquals(admin.get("/api/items/" + ids.get(2 + i)).json(), listed, "the listed row is the row GET shows");
      assertEquals(2, listed.get("tags").size(), listed.toString());
      assertEquals("Cat " + tag, listed.get("category").get("name").asText());
    }
  }

  @Test
  void everyListSaysWhetherItsTotalIsExact() {
    for (String path : List.of("/api/users", "/api/categories", "/api/items")) {
      JsonNode list = admin.get(path + "?limit=500").json();
      assertTrue(list.has("total_exact"), path + ": " + list);
      assertEquals(list.get("data").size(), list.get("total").asLong(), path);
    }
  }

  // ---- pages after a cursor ----

  /** All pages from the first, each request's after the page before's next; the ids in order. */
  private static List<String> walk(String path, int limit) {
    List<String> ids = new ArrayList<>();
    String next = null;
    int pages = 0;
    do {
      String url = path + (path.contains("?") ? "&" : "?") + "limit=" + limit + (next == null ? "" : "&after=" + next);
      Api.Response r = admin.get(url);
      assertEquals(200, r.status(), url + ": " + r);
      JsonNode page = r.json();
      page.get("data").forEach(row -> ids.add(row.get("id").asText()));
      boolean full = page.get("data").size() == limit;
      assertEquals(full, !page.get("next").isNull(), "a full page, and only a full page, names the next: " + page);
      next = full ? page.get("next").asText() : null;
      assertTrue(++pages <= 50, "the walk ends");
    } while (next != null);
    return ids;
  }

  private static List<String> ids(String path) {
    List<String> ids = new ArrayList<>();
    admin.get(path + (path.contains("?") ? "&" : "?") + "limit=500").json().get("data")
        .forEach(row -> ids.add(row.get("id").asText()));
    return ids;
  }

  @Test
  void walkingItemsByCursorGivesTheRowsSkipGivesInEverySortTiesIncluded() {
    String tag = "walk" + UUID.randomUUID().toString().substring(0, 8);
    String category = admin.post("/api/categories", "{\"name\":\"Cat " + tag + "\"}").json().get("id").asText();
    // Three titles for seven items, two statuses: sorting by either leaves ties that the id breaks.
    for (int i = 0; i < 7; i++) {
      Api.Response r = admin.post("/api/items", "{\"title\":\"" + tag + " " + (i % 3) + "\",\"content\":\"c\",\"status\":\""
          + (i % 2 == 0 ? "draft" : "published") + "\",\"category_id\":\"" + category + "\",\"tags\":[\"" + tag + "\"]}");
      assertEquals(201, r.status(), r.toString());
    }
    eventually(CATCH_UP, () -> ids("/api/items?tag=" + tag), ids -> ids.size() == 7);
    for (String sort : List.of("-created_at", "created_at", "title", "-title", "status", "-status", "-updated_at")) {
      String path = "/api/items?tag=" + tag + "&sort=" + sort;
      List<String> bySkip = ids(path);
      assertEquals(7, bySkip.size());
      assertEquals(bySkip, walk(path, 2), sort + ": pages of 2 after cursors");
      assertEquals(bySkip, walk(path, 1), sort + ": pages of 1 after cursors");
      assertEquals(bySkip, walk(path, 7), sort + ": a full page, then an empty one");
    }
  }

  @Test
  void skipCountsRowsAfterTheCursor() {
    String tag = "skip" + UUID.randomUUID().toString().substring(0, 8);
    List<String> ids = items(tag, 5);
    JsonNode first = page(tag, 0, 2);
    Api.Response r = admin.get("/api/items?sort=title&tag=" + tag + "&limit=2&skip=1&after=" + first.get("next").asText());
    assertEquals(200, r.status(), r.toString());
    assertEquals(ids.get(3), r.json().get("data").get(0).get("id").asText(), "two rows, then the cursor, then one skipped");
    assertEquals(1, r.json().get("skip").asInt());
  }

  @Test
  void aPageAfterACursorCountsTheWholeListUpToTheCap() {
    String tag = "curtotal" + UUID.randomUUID().toString().substring(0, 8);
    items(tag, 3);
    String next = page(tag, 0, 1).get("next").asText();
    for (int row = 1; row < 3; row++) {
      JsonNode page = admin.get("/api/items?sort=title&tag=" + tag + "&limit=1&after=" + next).json();
      assertEquals(3, page.get("total").asLong(), "the list's total, not the rows after the cursor: " + page);
      assertTrue(page.get("total_exact").asBoolean(), page.toString());
      next = page.get("next").asText();
    }

    String many = "curmany" + UUID.randomUUID().toString().substring(0, 8);
    items(many, 6);
    JsonNode page = admin.get("/api/items?sort=title&tag=" + many + "&limit=2&after=" + page(many, 2, 2).get("next").asText()).json();
    assertEquals(2, page.get("data").size(), page.toString());
    assertFalse(page.get("total_exact").asBoolean(), "past the cap by the cursor's position: " + page);
    assertTrue(page.get("total").asLong() >= 6, "never fewer than the rows the pages have shown: " + page);
  }

  @Test
  void usersAndCategoriesWalkByCursorToo() {
    String prefix = "Walk" + UUID.randomUUID().toString().substring(0, 8);
    for (String name : List.of("b", "A", "c", "B2", "a2")) {
      assertEquals(201, admin.post("/api/categories", "{\"name\":\"" + prefix + name + "\"}").status());
    }
    // Users of this test only (by their emails' prefix), all projected before the lists are read.
    String walkers = prefix.toLowerCase(Locale.ROOT);
    for (int i = 0; i < 3; i++) {
      Users.newUser(admin, walkers);
    }
    eventually(CATCH_UP, () -> ids("/api/categories?name=" + prefix), ids -> ids.size() == 5);
    eventually(CATCH_UP, () -> ids("/api/users?email=" + walkers), ids -> ids.size() == 3);
    for (String path : List.of("/api/categories?name=" + prefix + "&sort=name", "/api/categories?name=" + prefix + "&sort=-name",
        "/api/categories?name=" + prefix + "&sort=-created_at", "/api/users?email=" + walkers + "&sort=email",
        "/api/users?email=" + walkers + "&sort=-full_name", "/api/users?email=" + walkers + "&sort=updated_at")) {
      assertEquals(ids(path), walk(path, 2), path);
    }
  }

  @Test
  void aCursorThatIsNotThisListsIsRefusedWith400() {
    String tag = "badcur" + UUID.randomUUID().toString().substring(0, 8);
    items(tag, 3);
    String byTitle = page(tag, 0, 1).get("next").asText();
    String otherSort = "/api/items?sort=-title&tag=" + tag + "&after=" + byTitle;
    String garbage = "/api/items?after=bm90IGEgY3Vyc29y";
    String notBase64 = "/api/items?after=%21%21%21";
    String badTime = "/api/items?after=" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "[\"-created_at\",\"not a time\",\"00000000-0000-0000-0000-000000000000\",50]".getBytes());
    for (String url : List.of(otherSort, garbage, notBase64, badTime)) {
      Api.Response r = admin.get(url);
      assertEquals(400, r.status(), url + ": " + r);
      assertEquals("after", r.json().get("errors").get(0).get("field").asText(), r.toString());
    }
  }
}
