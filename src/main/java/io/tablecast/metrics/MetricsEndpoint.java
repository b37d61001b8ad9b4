package io.tablecast.metrics;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import io.tablecast.Settings;
import io.tablecast.http.QueryParameters;
import io.tablecast.http.SecurityHeaders;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * GET /metrics: on the API's port (HttpServer adds {@link #route} unless it is turned off), and
 * on a port of its own that serves nothing else ({@link #bind}), which a NetworkPolicy can open to
 * the metrics scraper alone.
 */
public final class MetricsEndpoint {
  /** Prometheus' own exporters take {@code name[]} (its brackets percent-encoded). */
  private static final Set<String> NAME_PARAMETERS = Set.of("name", "name[]");
  /** How long a scrape in flight may finish when the node stops. */
  private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(5);

  private MetricsEndpoint() {}

  /** {@code GET /metrics}, or {@code /metrics?name=a&name=b} for those families only. */
  public static Route route(Metrics metrics) {
    return Directives.path("metrics", () -> Directives.get(() -> QueryParameters.checked(NAME_PARAMETERS, () ->
        Directives.parameterList(parameters -> {
          Set<String> names = parameters.stream()
              .filter(p -> NAME_PARAMETERS.contains(p.getKey()))
              .map(Map.Entry::getValue)
              .collect(Collectors.toSet());
          return Directives.complete(HttpResponse.create()
              .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape(names))));
        }))));
  }

  /** The metrics port, unbound by coordinated shutdown like the API's. */
  public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, Settings.MetricsEndpoint settings, Metrics metrics) {
    Route route = Directives.respondWithDefaultHeaders(SecurityHeaders.ALL, () -> route(metrics));
    return Http.get(system)
        .newServerAt(settings.iface(), settings.port())
        .bind(route)
        .thenApply(binding -> binding.addToCoordinatedShutdown(UNBIND_DEADLINE, system));
  }
}
