package io.tablecast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anonymous requests cannot grow the node's HTTP metrics: a path that matches no route is one label. */
class HttpMetricsIT {
  private static final String HTTP_FAMILIES =
      "/metrics?name=tablecast_http_requests_total&name=tablecast_http_request_duration_seconds";
  /** A few series of a handful of statuses; a new label per path would add about 2 KB each. */
  private static final int MAX_GROWTH_BYTES = 8 * 1024;

  @TempDir static Path dataDir;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String scrape() {
    Api.Response r = node.api.get(HTTP_FAMILIES);
    assertEquals(200, r.status(), r.toString());
    return r.raw().body();
  }

  private static Set<String> routes(String scrape) {
    return Scrape.parse(scrape).of("tablecast_http_requests_total", Map.of()).stream()
        .map(s -> s.labels().get("route"))
        .collect(Collectors.toSet());
  }

  @Test
  void hundredsOfUnknownPathsOfGrowingDepthAddAtMostOneRoute() {
    scrape(); // counts itself, as a route of its own
    String before = scrape();
    for (int depth = 1; depth <= 300; depth++) {
      assertEquals(404, node.api.get("/a".repeat(depth)).status());
      node.api.get("/api/items/" + UUID.randomUUID() + "/x".repeat(depth));
      node.api.get("/api/" + UUID.randomUUID());
    }
    String after = scrape();
    assertTrue(after.length() - before.length() < MAX_GROWTH_BYTES,
        "the HTTP metrics grew from " + before.length() + " to " + after.length() + " characters");
    Set<String> added = new HashSet<>(routes(after));
    added.removeAll(routes(before));
    assertEquals(Set.of(RouteLabel.UNMATCHED), added, "the routes these requests added");
  }
}
