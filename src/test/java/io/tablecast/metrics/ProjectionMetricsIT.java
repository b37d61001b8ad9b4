package io.tablecast.metrics;

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
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics shows every projection's lag per slice, the events it processed and its state, on a real node. */
class ProjectionMetricsIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final Map<String, String> ITEMS = Map.of("projection", "items");

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;
  private static DataSource db;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.projections.metrics-interval", "200ms")));
    api = Users.admin(node.api);
    db = node.node.database().dataSource();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Scrape scrape() {
    Api.Response r = node.api.get("/metrics");
    assertEquals(200, r.status(), r.toString());
    return Scrape.parse(r.raw().body());
  }

  private static Scrape caughtUp() {
    return eventually(WITHIN, ProjectionMetricsIT::scrape, s ->
        s.of("tablecast_projection_lag_events", ITEMS).size() == 4
            && s.sum("tablecast_projection_lag_events", ITEMS) == 0
            && s.sum("tablecast_projection_lag_seconds", ITEMS) == 0);
  }

  private static void writeItems(int n) {
    for (int i = 0; i < n; i++) {
      Api.Response r = api.post("/api/items", "{\"title\":\"Metric " + i + "\",\"content\":\"c\"}");
      assertEquals(201, r.status(), r.toString());
      Api.Response p = api.patch("/api/items/" + r.json().get("id").asText(), "{\"status\":\"published\"}");
      assertEquals(200, p.status(), p.toString());
    }
  }

  /** The incremental counts behind the status (and the gauges) equal a full count of event_tag. */
  private static void statusAgreesWithACountOfTheJournal() {
    JsonNode items = api.get("/admin/projections/items").json();
    for (JsonNode slice : items.get("slices")) {
      String tag = slice.get("key").asText();
      long offset = slice.get("offset").isNull() ? 0 : slice.get("offset").asLong();
      String where = "FROM journal.event_tag WHERE tag = '" + tag + "' AND event_id ";
      assertEquals(Tables.count(db, "SELECT count(*) " + where + "<= " + offset), slice.get("events_done").asLong(), tag);
      assertEquals(Tables.count(db, "SELECT count(*) " + where + "> " + offset), slice.get("lag_events").asLong(), tag);
    }
  }

  @Test
  void everyProjectionHasLagAndStateSeriesPerSlice() {
    Scrape scrape = caughtUp();
    for (String projection : new String[] {"items", "users", "categories"}) {
      for (int slice = 0; slice < 4; slice++) {
        Map<String, String> labels = Map.of("projection", projection, "slice", Integer.toString(slice));
        assertEquals(1, scrape.of("tablecast_projection_lag_events", labels).size(), projection + " " + slice);
        assertEquals(1, scrape.of("tablecast_projection_lag_seconds", labels).size(), projection + " " + slice);
      }
      assertEquals(1, scrape.sum("tablecast_projection_live_generation", Map.of("projection", projection)), projection);
    }
    assertEquals(1, scrape.sum("tablecast_projection_state", Map.of("projection", "items", "state", "running")));
    assertEquals(0, scrape.sum("tablecast_projection_state", Map.of("projection", "items", "state", "failed")));
  }

  @Test
  void theProcessedCounterMovesByTheEventsWrittenAndLagReturnsToZero() {
    Scrape before = caughtUp();
    double processed = before.sum("tablecast_projection_events_processed_total", ITEMS);
    double persisted = before.sum("tablecast_events_persisted_total", Map.of("aggregate", "item"));

    writeItems(10); // 20 events: created and published

    Scrape after = eventually(WITHIN, ProjectionMetricsIT::scrape, s ->
        s.sum("tablecast_projection_events_processed_total", ITEMS) >= processed + 20
            && s.sum("tablecast_projection_lag_events", ITEMS) == 0);
    assertEquals(processed + 20, after.sum("tablecast_projection_events_processed_total", ITEMS), "each event counted once");
    assertEquals(persisted + 20, after.sum("tablecast_events_persisted_total", Map.of("aggregate", "item")));
    assertTrue(after.of("tablecast_projection_events_processed_total", Map.of("projection", "items", "generation", "1")).size() >= 1,
        "counted by generation and slice: " + after.of("tablecast_projection_events_processed_total", ITEMS));
  }

  @Test
  void aPausedProjectionShowsItsLagInEventsAndSecondsUntilResumed() {
    caughtUp();
    assertEquals(200, api.post("/admin/projections/items/pause", "").status());
    try {
      Scrape paused = eventually(WITHIN, ProjectionMetricsIT::scrape, s ->
          s.sum("tablecast_projection_state", Map.of("projection", "items", "state", "paused")) == 1);
      double processed = paused.sum("tablecast_projection_events_processed_total", ITEMS);

      writeItems(3);

      Scrape behind = eventually(WITHIN, ProjectionMetricsIT::scrape, s ->
          s.sum("tablecast_projection_lag_events", ITEMS) == 6 && s.sum("tablecast_projection_lag_seconds", ITEMS) > 0);
      assertEquals(processed, behind.sum("tablecast_projection_events_processed_total", ITEMS), "paused: nothing processed");
      statusAgreesWithACountOfTheJournal();
    } finally {
      assertEquals(200, api.post("/admin/projections/items/resume", "").status());
    }
    Scrape resumed = caughtUp();
    statusAgreesWithACountOfTheJournal();
    assertEquals(1, resumed.sum("tablecast_projection_state", Map.of("projection", "items", "state", "running")));
  }
}
