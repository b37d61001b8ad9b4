package io.tablecast;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop and a start on the same data directory lose nothing; versions continue; tokens stay valid. */
class RestartIT {
  @TempDir Path dataDir;

  @Test
  void itemsSurviveARestartAndStayWritable() throws Exception {
    String id;
    String token;
    try (TestNode start = TestNode.start(dataDir, Users.ADMIN_CONFIG)) {
      token = Users.token(start.api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
      Api first = start.api.withToken(token);
      id = first.post("/api/items", "{\"title\":\"Durable\",\"content\":\"v1\"}").json().get("id").asText();
      assertEquals(200, first.patch("/api/items/" + id, "{\"content\":\"v2\"}").status());
      eventually(Duration.ofSeconds(10), () -> first.get("/api/items/" + id),
          r -> r.status() == 200 && r.json().get("version").asLong() == 2);
    }

    try (TestNode restarted = TestNode.start(dataDir, Users.ADMIN_CONFIG)) {
      Api second = restarted.api.withToken(token);
      Api.Response read = second.get("/api/items/" + id);
      assertEquals(200, read.status(), read.toString());
      assertEquals("v2", read.json().get("content").asText());

      Api.Response updated = second.patch("/api/items/" + id, "{\"title\":\"Still here\"}");
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(3, updated.json().get("version").asLong(), "the aggregate recovered its history");
      assertEquals("v2", updated.json().get("content").asText());
      eventually(Duration.ofSeconds(10), () -> second.get("/api/items/" + id),
          r -> r.status() == 200 && r.json().get("title").asText().equals("Still here"));
      assertEquals(1, second.get("/api/users?role=admin").json().get("total").asLong(),
          "the admin bootstrap is idempotent across restarts");
    }
  }

  @Test
  void aCategoryDeletedJustBeforeAStopStillDetachesItsItemsAfterTheRestart(@TempDir Path otherDir) throws Exception {
    String token;
    String category;
    java.util.List<String> items = new java.util.ArrayList<>();
    try (TestNode node = TestNode.start(otherDir, Users.ADMIN_CONFIG)) {
      token = Users.token(node.api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
      Api api = node.api.withToken(token);
      category = api.post("/api/categories", "{\"name\":\"Short-lived\"}").json().get("id").asText();
      for (int i = 0; i < 20; i++) {
        items.add(api.post("/api/items", "{\"title\":\"t" + i + "\",\"content\":\"c\",\"category_id\":\"" + category + "\"}")
            .json().get("id").asText());
      }
      assertEquals(200, api.delete("/api/categories/" + category).status());
      // stop at once: the detacher may be anywhere in its work, or not have started it
    }
    try (TestNode node = TestNode.start(otherDir, Users.ADMIN_CONFIG)) {
      Api api = node.api.withToken(token);
      for (String id : items) {
        eventually(Duration.ofSeconds(30), () -> api.get("/api/items/" + id),
            r -> r.status() == 200 && r.json().get("category_id").isNull());
      }
      assertEquals(0, api.get("/api/items?category_id=" + category).json().get("total").asLong());
    }
  }
}
