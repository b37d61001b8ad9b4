package io.tablecast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.projection.ProjectionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How projection statuses, as last measured, read in a scrape. */
class MetricsTest {

  private static ProjectionStatus items(String state, ProjectionStatus.Rebuild rebuild) {
    List<ProjectionStatus.Slice> slices = List.of(
        new ProjectionStatus.Slice("item-0", 40L, 40, 0, 0, false),
        new ProjectionStatus.Slice("item-1", 35L, 30, 7, 2.5, false));
    return new ProjectionStatus("items", 1, state, 1, 1, false, 7, 2.5, 12, 77, slices, null, rebuild, List.of());
  }

  private static Scrape scrape(Metrics metrics) {
    return Scrape.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
  }

  @Test
  void lagIsShownPerProjectionAndSlice() {
    Metrics metrics = new Metrics();
    metrics.projections(() -> List.of(items(ProjectionStatus.RUNNING, null)));
    Scrape scrape = scrape(metrics);
    assertEquals(0, scrape.sum("tablecast_projection_lag_events", Map.of("projection", "items", "slice", "0")));
    assertEquals(7, scrape.sum("tablecast_projection_lag_events", Map.of("projection", "items", "slice", "1")));
    assertEquals(2.5, scrape.sum("tablecast_projection_lag_seconds", Map.of("projection", "items", "slice", "1")));
    assertEquals(2, scrape.of("tablecast_projection_lag_seconds", Map.of("projection", "items")).size());
    assertEquals(1, scrape.sum("tablecast_projection_live_generation", Map.of("projection", "items")));
    assertTrue(scrape.of("tablecast_projection_rebuild_events_done", Map.of()).isEmpty(), "no rebuild, no progress");
  }

  @Test
  void theStateIsOneGaugePerStateWithOneForTheCurrentOne() {
    Metrics metrics = new Metrics();
    metrics.projections(() -> List.of(items(ProjectionStatus.PAUSED, null)));
    Scrape scrape = scrape(metrics);
    for (String state : ProjectionStatus.STATES) {
      assertEquals(state.equals("paused") ? 1 : 0,
          scrape.sum("tablecast_projection_state", Map.of("projection", "items", "state", state)), state);
    }
  }

  @Test
  void aRebuildShowsEventsDoneOfTotalByGeneration() {
    Metrics metrics = new Metrics();
    ProjectionStatus.Rebuild rebuild = new ProjectionStatus.Rebuild(2, 1200, 5000, 300, 12.7, false, null, Instant.now());
    metrics.projections(() -> List.of(items(ProjectionStatus.REBUILDING, rebuild)));
    Scrape scrape = scrape(metrics);
    assertEquals(1200, scrape.sum("tablecast_projection_rebuild_events_done", Map.of("projection", "items", "generation", "2")));
    assertEquals(5000, scrape.sum("tablecast_projection_rebuild_events_target", Map.of("projection", "items", "generation", "2")));
  }

  @Test
  void aScrapeShowsWhatWasMeasuredLastAndNeverMeasuresItself() {
    Metrics metrics = new Metrics();
    List<ProjectionStatus> measured = new ArrayList<>();
    metrics.projections(() -> List.copyOf(measured));
    assertTrue(scrape(metrics).of("tablecast_projection_lag_events", Map.of()).isEmpty());
    measured.add(items(ProjectionStatus.RUNNING, null));
    assertEquals(7, scrape(metrics).sum("tablecast_projection_lag_events", Map.of("projection", "items")));
  }

  @Test
  void countersAddUp() {
    Metrics metrics = new Metrics();
    metrics.projectionEventsProcessed("items", 1, 3, 5);
    metrics.projectionEventsProcessed("items", 1, 3, 2);
    metrics.eventPersisted("item");
    Scrape scrape = scrape(metrics);
    assertEquals(7, scrape.sum("tablecast_projection_events_processed_total",
        Map.of("projection", "items", "generation", "1", "slice", "3")));
    assertEquals(1, scrape.sum("tablecast_events_persisted_total", Map.of("aggregate", "item")));
  }

  @Test
  void requestsToUnknownPathsOfGrowingDepthAddOneRouteAndTheScrapeStaysBounded() {
    Metrics metrics = new Metrics();
    Set<String> http = Set.of("tablecast_http_requests_total", "tablecast_http_request_duration_seconds");
    metrics.httpRequest("GET", RouteLabel.of("/a"), 404, 0.001);
    int firstSize = metrics.scrape(http).length;
    for (int depth = 2; depth <= 500; depth++) {
      metrics.httpRequest("GET", RouteLabel.of("/a".repeat(depth)), 404, 0.001);
    }
    byte[] after = metrics.scrape(http);
    // Only the counts' digits grow.
    assertTrue(after.length < firstSize + 200, "the scrape grew from " + firstSize + " to " + after.length + " bytes");
    Scrape scrape = Scrape.parse(new String(after, StandardCharsets.UTF_8));
    assertEquals(Set.of(RouteLabel.UNMATCHED), scrape.of("tablecast_http_requests_total", Map.of()).stream()
        .map(s -> s.labels().get("route")).collect(Collectors.toSet()));
    assertEquals(500, scrape.sum("tablecast_http_requests_total", Map.of()));
  }

  @Test
  void aScrapeOfNamedFamiliesCollectsOnlyThose() {
    Metrics metrics = new Metrics();
    AtomicInteger namedReads = new AtomicInteger();
    AtomicInteger otherReads = new AtomicInteger();
    metrics.gauge("tablecast_test_named", "read when named", () -> (double) namedReads.incrementAndGet());
    metrics.gauge("tablecast_test_other", "read when all are", () -> (double) otherReads.incrementAndGet());
    metrics.eventPersisted("item");

    Scrape some = Scrape.parse(new String(
        metrics.scrape(Set.of("tablecast_test_named", "tablecast_events_persisted_total", "jvm_memory_used_bytes",
            "jvm_runtime_info")),
        StandardCharsets.UTF_8));
    assertEquals(Set.of("tablecast_test_named", "tablecast_events_persisted_total", "jvm_memory_used_bytes",
            "jvm_runtime_info"),
        some.samples().stream().map(Scrape.Sample::name).collect(Collectors.toSet()));
    assertEquals(1, some.sum("tablecast_test_named", Map.of()));
    assertEquals(1, some.sum("tablecast_events_persisted_total", Map.of("aggregate", "item")));
    assertTrue(some.sum("jvm_memory_used_bytes", Map.of("area", "heap")) > 0, "the heap in use");
    assertEquals(0, otherReads.get(), "a family not named is not collected");

    Scrape all = scrape(metrics);
    assertEquals(1, otherReads.get());
    assertFalse(all.of("jvm_threads_deadlocked", Map.of()).isEmpty(), "all families without names");
  }
}
