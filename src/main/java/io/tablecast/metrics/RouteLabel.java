package io.tablecast.metrics;

import io.tablecast.http.Ids;
import java.util.Set;

/**
 * The route of a request path as a metric label: ids become {id} and any segment the API does not
 * name becomes {other}, so random paths cannot blow up the number of time series.
 */
public final class RouteLabel {
  /** Every path segment the API names; OpenApiIT probes combinations of them for routes the document lacks. */
  public static final Set<String> KNOWN = Set.of(
      "api", "admin", "items", "users", "categories", "auth", "token", "me", "restore", "history",
      "projections", "rebuild", "pause", "resume", "schema", "metrics", "openapi.json", "switch", "generations");

  private RouteLabel() {}

  public static String of(String path) {
    StringBuilder label = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      label.append('/');
      if (KNOWN.contains(segment)) {
        label.append(segment);
      } else if (Ids.parse(segment).isPresent()) {
        label.append("{id}");
      } else {
        label.append("{other}");
      }
    }
    return label.length() == 0 ? "/" : label.toString();
  }
}
