package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized history of a few thousand item commands (create, partial updates, status changes,
 * deletes, restores; some rejected), written concurrently; then a rebuild that is interrupted by a
 * node stop and resumes on the next start. The rebuilt table equals the incrementally built one row
 * for row: same values, same timestamps, same versions.
 */
class DeterminismIT {
  private static final Duration WITHIN = Duration.ofSeconds(120);
  private static final int WRITERS = 6;
  private static final int COMMANDS_PER_WRITER = 500;
  private static final String[] STATUSES = {"draft", "published", "archived"};

  @TempDir static Path dataDir;

  private static Map<String, Object> config() {
    // The rebuild reads the journal in pages first, as it does on a large journal.
    return Users.withAdmin(Map.of(
        "tablecast.projections.rebuild.poll-interval", "200ms",
        "tablecast.projections.catch-up.after-events", 100,
        "tablecast.projections.catch-up.page-size", 50));
  }

  @Test
  void aRebuildReproducesTheIncrementalTableRowForRowEvenWhenInterrupted() throws Exception {
    long accepted;
    try (TestNode node = TestNode.start(dataDir, config())) {
      Api admin = Users.admin(node.api);
      accepted = history(admin);
      assertTrue(accepted > 1000, "accepted commands: " + accepted);
      // A partial update that changes nothing is accepted without an event.
      long events = Tables.count(node.node.database().dataSource(), "SELECT count(*) FROM journal.event_journal WHERE persistence_id LIKE 'Item|%'");
      eventually(WITHIN, () -> admin.get("/admin/projections").json().get("data").get(0),
          s -> s.get("events_total").asLong() == events && s.get("lag_events").asLong() == 0);

      Api.Response r = admin.post("/admin/projections/items/rebuild", "");
      assertEquals(202, r.status(), r.toString());
      assertEquals(2, r.json().get("generation").asInt());
    }
    // The node stopped in the middle (or at best at the end) of the rebuild: generation 2 is
    // still building, and the next start carries on from its committed offsets.
    try (TestNode node = TestNode.start(dataDir, config())) {
      Api admin = Users.admin(node.api);
      var db = node.node.database().dataSource();
      eventually(WITHIN, () -> admin.get("/admin/projections").json().get("data").get(0).get("generation").asInt(),
          g -> g == 2);
      assertEquals(0, Tables.difference(db, "items_g1.items", "items_g2.items"));
      long rows = Tables.count(db, "SELECT count(*) FROM items_g2.items");
      assertTrue(rows > 100, "rows: " + rows);
      assertTrue(Tables.count(db, "SELECT count(*) FROM items_g2.items WHERE deleted_at IS NOT NULL") > 0);
      assertTrue(Tables.count(db, "SELECT count(*) FROM items_g2.items WHERE version > 3") > 0);
    }
  }

  /** Writes the random history; returns how many commands were accepted (= events). */
  private static long history(Api api) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<Long>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      long seed = 4242 + w;
      writers.add(pool.submit(() -> writer(api, new Random(seed))));
    }
    long accepted = 0;
    for (Future<Long> f : writers) {
      accepted += f.get();
    }
    pool.shutdown();
    return accepted;
  }

  private static long writer(Api api, Random random) {
    List<String> ids = new ArrayList<>();
    long accepted = 0;
    for (int i = 0; i < COMMANDS_PER_WRITER; i++) {
      int dice = random.nextInt(100);
      Api.Response r;
      if (ids.isEmpty() || dice < 25) {
        r = api.post("/api/items", "{\"title\":\"t" + random.nextInt(1000) + "\",\"content\":\"c" + i + "\",\"status\":\""
            + STATUSES[random.nextInt(3)] + "\"}");
        if (r.status() == 201) {
          ids.add(r.json().get("id").asText());
        }
      } else {
        String id = ids.get(random.nextInt(ids.size()));
        if (dice < 70) {
          String body = switch (random.nextInt(3)) {
            case 0 -> "{\"title\":\"t" + random.nextInt(1000) + "\"}";
            case 1 -> "{\"content\":\"c" + random.nextInt(1000) + "\",\"status\":\"" + STATUSES[random.nextInt(3)] + "\"}";
            default -> "{\"status\":\"" + STATUSES[random.nextInt(3)] + "\"}";
          };
          r = api.patch("/api/items/" + id, body);
        } else if (dice < 85) {
          r = api.delete("/api/items/" + id);
        } else {
          r = api.post("/api/items/" + id + "/restore", "");
        }
      }
      if (r.status() == 200 || r.status() == 201) {
        accepted++;
      } else {
        assertEquals(409, r.status(), r.toString()); // updating a deleted item, deleting twice...
      }
    }
    return accepted;
  }
}
