package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poison event: the handler fails on it (a trigger in the generation's table refuses its title).
 * The slice retries, then reports failed with the event; other slices keep going; nothing is
 * skipped; once the cause is gone the slice resumes from its committed offset.
 */
class ProjectionFaultIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;
  private static DataSource db;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.projections.failures.retries", 2,
        "tablecast.projections.failures.retry-delay", "100ms",
        "akka.projection.restart-backoff.min-backoff", "500ms",
        "akka.projection.restart-backoff.max-backoff", "2s")));
    api = Users.admin(node.api);
    db = node.node.database().dataSource();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String create(String title) {
    Api.Response r = api.post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"x\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static int slice(String id) {
    return Math.floorMod(id.hashCode(), 4);
  }

  private static JsonNode items() {
    return api.get("/admin/projections").json().get("data").get(0);
  }

  private static boolean projected(String id) {
    return Tables.count(db, "SELECT count(*) FROM read.items WHERE id = '" + id + "'") == 1;
  }

  @Test
  void aPoisonEventFailsItsSliceWithTheEventAndResumesWhenTheCauseIsGone() {
    Tables.execute(db, """
        CREATE FUNCTION items_g1.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.title = 'poison' THEN RAISE EXCEPTION 'poison title refused'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON items_g1.items
          FOR EACH ROW EXECUTE FUNCTION items_g1.refuse_poison();
        """);
    String poison = create("poison");
    JsonNode failed = eventually(WITHIN, ProjectionFaultIT::items, s -> s.get("state").asText().equals("failed"));
    JsonNode failure = failed.get("failure");
    assertEquals("Item|" + poison, failure.get("persistence_id").asText());
    assertEquals(1, failure.get("sequence_number").asLong());
    assertEquals("item-" + slice(poison), failure.get("slice").asText());
    assertTrue(failure.get("error").asText().contains("poison title refused"), failure.toString());

    // Other slices keep projecting; the poisoned slice holds its later events back, skipping none.
    List<String> sameSlice = new ArrayList<>();
    List<String> otherSlices = new ArrayList<>();
    while (sameSlice.size() < 2 || otherSlices.size() < 5) {
      String id = create("fine");
      (slice(id) == slice(poison) ? sameSlice : otherSlices).add(id);
    }
    for (String id : otherSlices) {
      eventually(WITHIN, () -> projected(id), p -> p);
    }
    assertEquals("failed", items().get("state").asText());
    assertTrue(sameSlice.stream().noneMatch(ProjectionFaultIT::projected), "events after the poison one wait for it");
    assertTrue(!projected(poison));

    Tables.execute(db, "DROP TRIGGER refuse_poison ON items_g1.items");
    eventually(WITHIN, () -> projected(poison), p -> p);
    for (String id : sameSlice) {
      eventually(WITHIN, () -> projected(id), p -> p);
    }
    JsonNode running = eventually(WITHIN, ProjectionFaultIT::items, s -> s.get("state").asText().equals("running"));
    assertTrue(running.get("failure").isNull());
  }
}
