package io.tablecast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.Ports;
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

/**
 * The HTTP metrics of a node set up as on Kubernetes: /metrics on a port of its own and not on the
 * API's. Anonymous requests cannot grow them: a path that matches no route is one label.
 */
class HttpMetricsIT {
  private static final String HTTP_FAMILIES =
      "/metrics?name=tablecast_http_requests_total&name=tablecast_http_request_duration_seconds";
  /** A few series of a handful of statuses; a new label per path would add about 2 KB each. */
  private static final int MAX_GROWTH_BYTES = 8 * 1024;

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api metricsPort;

  @BeforeAll
  static void start() throws Exception {
    int port = Ports.free();
    node = TestNode.start(dataDir, Map.of("tablecast.metrics.on-api-port", false, "tablecast.metrics.port", port));
    metricsPort = new Api("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String scrape() {
    Api.Response r = metricsPort.get(HTTP_FAMILIES);
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

  @Test
  void theMetricsPortServesMetricsOnlyAndTheApiPortNone() {
    assertEquals(200, node.api.get("/api/openapi.json").status());
    Api.Response all = metricsPort.get("/metrics");
    assertEquals(200, all.status(), all.toString());
    assertTrue(Scrape.parse(all.raw().body()).sum("tablecast_http_requests_total", Map.of("route", "/api/openapi.json")) >= 1,
        "the API's requests are counted: " + all.raw().body().length() + " characters");
    assertEquals("nosniff", all.header("X-Content-Type-Options"));

    assertEquals(404, node.api.get("/metrics").status(), "no /metrics on the API's port");
    assertEquals(404, metricsPort.get("/api/openapi.json").status(), "nothing but /metrics on the metrics port");
    assertEquals(400, metricsPort.get("/metrics?name=%00").status(), "its parameters are checked too");
  }
}
