package io.tablecast.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
import io.tablecast.http.OpenApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The route of a request path as a metric label: the API's route template it matches
 * ({@code /api/items/{id}}), or {@value #UNMATCHED} for every path that matches none. The routes
 * are the OpenAPI document's paths (OpenApiIT keeps them and the server's routes in step), so the
 * number of label values is bounded by the routes the API has, whatever paths clients send.
 */
public final class RouteLabel {
  /** The one label of every path that is not a route of the API. */
  public static final String UNMATCHED = "{unmatched}";

  /** A route's path: literal segments, and {@code {variable}} segments that match any one segment. */
  private record Template(String label, String[] segments, int literals) {
    static Template of(String label) {
      String[] segments = label.substring(1).split("/");
      int literals = (int) java.util.Arrays.stream(segments).filter(s -> !isVariable(s)).count();
      return new Template(label, segments, literals);
    }

    private static boolean isVariable(String segment) {
      return segment.startsWith("{") && segment.endsWith("}");
    }

    boolean matches(String[] path) {
      if (path.length != segments.length) {
        return false;
      }
      for (int i = 0; i < path.length; i++) {
        if (path[i].isEmpty() || !(isVariable(segments[i]) || segments[i].equals(path[i]))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Most literal segments first, so that {@code /api/users/me} wins over {@code /api/users/{id}}. */
  private static final List<Template> ROUTES = documentedRoutes().stream()
      .map(Template::of)
      .sorted(Comparator.comparingInt(Template::literals).reversed())
      .toList();

  private RouteLabel() {}

  public static String of(String path) {
    // A trailing slash is served like the path without it (pathEndOrSingleSlash).
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (!trimmed.startsWith("/") || trimmed.length() == 1) {
      return UNMATCHED;
    }
    String[] segments = trimmed.substring(1).split("/", -1);
    for (Template route : ROUTES) {
      if (route.matches(segments)) {
        return route.label();
      }
    }
    return UNMATCHED;
  }

  private static List<String> documentedRoutes() {
    try {
      List<String> paths = new ArrayList<>();
      JsonNode document = Json.MAPPER.readTree(OpenApi.document());
      document.get("paths").fieldNames().forEachRemaining(paths::add);
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException("the OpenAPI document names the routes of the metrics", e);
    }
  }
}
