package io.tablecast.category;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Categories: who may write them, unique names, and detaching items when one is deleted. */
class CategoryApiIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;
  private static Api editor;
  private static Api user;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    admin = Users.admin(node.api);
    editor = Users.newEditor(node.api, "editor");
    user = Users.newUser(node.api, "user");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String name(String prefix) {
    return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode create(Api as, String name) {
    Api.Response r = as.post("/api/categories", "{\"name\":\"" + name + "\",\"description\":\"about " + name + "\"}");
    assertEquals(201, r.status(), r.toString());
    assertEquals(7, UUID.fromString(r.json().get("id").asText()).version(), "a time-ordered id");
    return r.json();
  }

  @Test
  void editorsAndAdminsWriteAndEveryUserReads() {
    String n = name("Books");
    assertEquals(401, node.api.post("/api/categories", "{\"name\":\"" + n + "\"}").status());
    assertEquals(403, user.post("/api/categories", "{\"name\":\"" + n + "\"}").status());
    String id = create(editor, n).get("id").asText();
    JsonNode read = eventually(CATCH_UP, () -> user.get("/api/categories/" + id), r -> r.status() == 200).json();
    assertEquals(n, read.get("name").asText());
    assertEquals("about " + n, read.get("description").asText());
    assertEquals(401, node.api.get("/api/categories").status());
    assertTrue(user.get("/api/categories?name=" + n.split(" ")[1]).json().get("total").asLong() == 1);

    assertEquals(403, user.patch("/api/categories/" + id, "{\"name\":\"x\"}").status());
    assertEquals(403, user.delete("/api/categories/" + id).status());
    assertEquals(403, user.get("/api/categories?include_deleted=true").status());
    Api.Response cleared = admin.patch("/api/categories/" + id, "{\"description\":null}");
    assertEquals(200, cleared.status(), cleared.toString());
    Api.Response waited = user.get("/api/categories/" + id + "?min_version=2");
    assertTrue(waited.json().get("description").isNull(), "min_version waited for the write: " + waited);
    assertEquals(null, waited.header("X-Read-Stale"));
    assertTrue(cleared.json().get("description").isNull(), "explicit null clears the description");
    assertEquals(n, cleared.json().get("name").asText(), "the name is left alone");
    assertEquals(400, admin.patch("/api/categories/" + id, "{\"name\":null}").status());
    assertEquals(400, admin.post("/api/categories", "{\"description\":\"no name\"}").status());
    assertEquals(400, admin.post("/api/categories", "{\"name\":\"" + "x".repeat(101) + "\"}").status());
  }

  @Test
  void namesAreUniqueCaseInsensitivelyAmongLiveCategories() {
    String n = name("Music");
    String first = create(editor, n).get("id").asText();
    Api.Response same = admin.post("/api/categories", "{\"name\":\"" + n.toUpperCase() + "\"}");
    assertEquals(409, same.status(), same.toString());
    assertEquals("application/problem+json", same.contentType());

    String other = create(editor, name("Films")).get("id").asText();
    assertEquals(409, editor.patch("/api/categories/" + other, "{\"name\":\"" + n.toLowerCase() + "\"}").status(),
        "renaming onto a taken name");

    String renamed = n + " renamed";
    assertEquals(200, editor.patch("/api/categories/" + first, "{\"name\":\"" + renamed + "\"}").status());
    String reuser = create(editor, n).get("id").asText();
    assertTrue(!reuser.equals(first), "the old name was freed by the rename");

    assertEquals(200, editor.delete("/api/categories/" + reuser).status());
    String third = create(admin, n).get("id").asText();
    Api.Response restore = admin.post("/api/categories/" + reuser + "/restore", "");
    assertEquals(409, restore.status(), "the name was taken meanwhile: " + restore);
    assertEquals(200, admin.delete("/api/categories/" + third).status());
    assertEquals(200, admin.post("/api/categories/" + reuser + "/restore", "").status());
  }

  @Test
  void ofConcurrentCreationsOfOneNameExactlyOneSucceeds() throws Exception {
    String n = name("Race");
    int count = 16;
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String variant = i % 2 == 0 ? n : n.toUpperCase();
        calls.add(() -> editor.post("/api/categories", "{\"name\":\"" + variant + "\"}").status());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(count - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void itemsMustNameALiveCategory() {
    String id = create(editor, name("Gone")).get("id").asText();
    assertEquals(200, editor.delete("/api/categories/" + id).status());
    Api.Response deleted = user.post("/api/items", "{\"title\":\"t\",\"content\":\"c\",\"category_id\":\"" + id + "\"}");
    assertEquals(422, deleted.status(), deleted.toString());
    assertEquals("application/problem+json", deleted.contentType());
    assertTrue(deleted.json().get("errors").toString().contains("category_id"));
    Api.Response missing = user.post("/api/items",
        "{\"title\":\"t\",\"content\":\"c\",\"category_id\":\"" + UUID.randomUUID() + "\"}");
    assertEquals(422, missing.status(), missing.toString());
    String item = user.post("/api/items", "{\"title\":\"t\",\"content\":\"c\"}").json().get("id").asText();
    assertEquals(422, user.patch("/api/items/" + item, "{\"category_id\":\"" + id + "\"}").status());
  }

  @Test
  void deletingACategoryDetachesItsItemsInTheirHistoryAndRestoringDoesNotReattach() {
    String category = create(editor, name("Doomed")).get("id").asText();
    String keep = create(editor, name("Kept")).get("id").asText();
    List<String> inCategory = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Api.Response r = user.post("/api/items",
          "{\"title\":\"in " + i + "\",\"content\":\"c\",\"category_id\":\"" + category + "\"}");
      assertEquals(201, r.status(), r.toString());
      assertEquals(category, r.json().get("category").get("id").asText());
      inCategory.add(r.json().get("id").asText());
    }
    assertEquals(200, user.delete("/api/items/" + inCategory.get(3)).status(), "deleted items are detached too");
    String elsewhere = user.post("/api/items",
        "{\"title\":\"other\",\"content\":\"c\",\"category_id\":\"" + keep + "\"}").json().get("id").asText();

    assertEquals(200, editor.delete("/api/categories/" + category).status());
    for (String id : inCategory) {
      JsonNode item = eventually(CATCH_UP, () -> admin.get("/api/items/" + id + "?include_deleted=true"),
          r -> r.status() == 200 && r.json().get("category_id").isNull()).json();
      assertTrue(item.get("category").isNull());
      JsonNode history = admin.get("/api/items/" + id + "/history?include_deleted=true").json().get("data");
      JsonNode last = history.get(history.size() - 1);
      assertEquals("CategoryDetached", last.get("type").asText(), history.toString());
      assertEquals(category, last.get("payload").get("category_id").asText());
    }
    assertEquals(keep, admin.get("/api/items/" + elsewhere).json().get("category_id").asText(), "other categories keep theirs");

    assertEquals(200, editor.post("/api/categories/" + category + "/restore", "").status());
    JsonNode again = admin.get("/api/items/" + inCategory.get(0)).json();
    assertTrue(again.get("category_id").isNull(), "restoring the category does not re-attach");
    assertEquals(0, admin.get("/api/items?category_id=" + category).json().get("total").asLong());
  }

  @Test
  void itemsWrittenWhileTheirCategoryIsDeletedEndUpDetachedToo() throws Exception {
    String category = create(editor, name("Contested")).get("id").asText();
    int n = 24;
    ExecutorService pool = Executors.newFixedThreadPool(n + 1);
    try {
      List<Callable<Api.Response>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String body = "{\"title\":\"racing " + i + "\",\"content\":\"c\",\"category_id\":\"" + category + "\"}";
        calls.add(() -> user.post("/api/items", body));
        if (i == n / 2) {
          calls.add(() -> editor.delete("/api/categories/" + category));
        }
      }
      List<String> created = new ArrayList<>();
      for (Future<Api.Response> f : pool.invokeAll(calls)) {
        Api.Response r = f.get();
        assertTrue(r.status() == 201 || r.status() == 422 || r.status() == 200, r.toString());
        if (r.status() == 201) {
          created.add(r.json().get("id").asText());
        }
      }
      for (String id : created) {
        eventually(CATCH_UP, () -> user.get("/api/items/" + id),
            r -> r.status() == 200 && r.json().get("category_id").isNull());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
