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
 * category.
 */
class ListTotalIT {
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
}
