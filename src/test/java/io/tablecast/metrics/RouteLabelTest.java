package io.tablecast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
import io.tablecast.http.OpenApi;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A request's route label: one per route the API has, and one for every path that matches none. */
class RouteLabelTest {

  private static List<String> documented() throws Exception {
    JsonNode paths = Json.MAPPER.readTree(OpenApi.document()).get("paths");
    List<String> templates = new java.util.ArrayList<>();
    paths.fieldNames().forEachRemaining(templates::add);
    return templates;
  }

  @Test
  void everyDocumentedRouteIsItsOwnLabel() throws Exception {
    for (String template : documented()) {
      String path = template.replace("{id}", UUID.randomUUID().toString())
          .replace("{name}", "items")
          .replace("{generation}", "2");
      assertEquals(template, RouteLabel.of(path), path);
      assertEquals(template, RouteLabel.of(path + "/"), path + "/ is served like " + path);
    }
  }

  @Test
  void aLiteralSegmentWinsOverAPathVariable() {
    assertEquals("/api/users/me", RouteLabel.of("/api/users/me"));
    assertEquals("/api/users/{id}", RouteLabel.of("/api/users/" + UUID.randomUUID()));
  }

  @Test
  void unknownPathsOfAnyDepthShareOneLabel() {
    Set<String> labels = new HashSet<>();
    for (int depth = 1; depth <= 500; depth++) {
      labels.add(RouteLabel.of("/a".repeat(depth)));
      labels.add(RouteLabel.of("/api/items/" + UUID.randomUUID() + "/x".repeat(depth)));
      labels.add(RouteLabel.of("/api/" + UUID.randomUUID() + "/" + depth));
    }
    labels.add(RouteLabel.of("/"));
    labels.add(RouteLabel.of(""));
    labels.add(RouteLabel.of("/api//items"));
    labels.add(RouteLabel.of("/api/items//"));
    assertEquals(1, labels.size(), labels.size() + " labels, such as " + labels.iterator().next());
    assertEquals(Set.of(RouteLabel.UNMATCHED), labels);
  }
}
