package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * items.slug, shipped as a DDL-only migration plus a projection change: it follows the title until
 * the item is first published, then stays; rows projected before the column existed get it from a
 * rebuild.
 */
class ItemSlugIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir static Path dataDir;

  @Test
  void slugFollowsTheTitleUntilPublishedAndARebuildBackfillsIt() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.projections.rebuild.poll-interval", "200ms")))) {
      Api api = Users.admin(node.api);
      DataSource db = node.node.database().dataSource();
      String id = api.post("/api/items", "{\"title\":\"Hello World\",\"content\":\"x\"}").json().get("id").asText();
      UUID uuid = UUID.fromString(id);
      String slugQuery = "SELECT slug FROM read.items WHERE id = '" + id + "'";
      eventually(WITHIN, () -> Tables.text(db, slugQuery), s -> Slugs.of("Hello World", uuid).equals(s));

      assertEquals(200, api.patch("/api/items/" + id, "{\"title\":\"Second Title\"}").status());
      eventually(WITHIN, () -> Tables.text(db, slugQuery), s -> Slugs.of("Second Title", uuid).equals(s));

      assertEquals(200, api.patch("/api/items/" + id, "{\"title\":\"Published Title\",\"status\":\"published\"}").status());
      String published = Slugs.of("Published Title", uuid);
      eventually(WITHIN, () -> Tables.text(db, slugQuery), published::equals);

      assertEquals(200, api.patch("/api/items/" + id, "{\"title\":\"Renamed\",\"status\":\"archived\"}").status());
      eventually(WITHIN, () -> Tables.text(db, "SELECT title FROM read.items WHERE id = '" + id + "'"), "Renamed"::equals);
      assertEquals(published, Tables.text(db, slugQuery), "stable once published");

      // As if these rows had been projected before V3 added the column: the rebuild backfills it.
      Tables.execute(db, "UPDATE items_g1.items SET slug = NULL, slug_locked = false");
      assertEquals(202, api.post("/admin/projections/items/rebuild", "").status());
      eventually(WITHIN, () -> api.get("/admin/projections").json().get("data").get(0).get("generation").asInt(), g -> g == 2);
      assertEquals(published, Tables.text(db, slugQuery));
      assertEquals("1", Tables.text(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'items_g2' AND indexname = 'items_slug_idx'"));
    }
  }
}
