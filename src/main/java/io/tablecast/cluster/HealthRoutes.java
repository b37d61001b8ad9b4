package io.tablecast.cluster;

import akka.actor.ExtendedActorSystem;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.management.HealthCheckSettings;
import akka.management.javadsl.CheckResult;
import akka.management.javadsl.HealthChecks;
import akka.management.javadsl.ManagementRouteProvider;
import akka.management.javadsl.ManagementRouteProviderSettings;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * /ready and /alive on the management port, as Akka Management's own health-check routes serve
 * them (the same checks, paths and timeout, from akka.management.health-checks), except that a
 * failed check answers 503 Service Unavailable, not 500: a node that is starting, not Up, or
 * shutting down is unavailable, not broken. Registered in place of Akka's routes under their name
 * (akka.management.http.routes.health-checks).
 */
public final class HealthRoutes implements ManagementRouteProvider {
  private final HealthCheckSettings settings;
  private final HealthChecks checks;

  public HealthRoutes(ExtendedActorSystem system) {
    this.settings = HealthCheckSettings.create(system.settings().config().getConfig("akka.management.health-checks"));
    this.checks = new HealthChecks(system, settings);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings routeSettings) {
    return Directives.concat(
        check(settings.readinessPath(), checks::readyResult),
        check(settings.livenessPath(), checks::aliveResult));
  }

  private static Route check(String path, Supplier<CompletionStage<CheckResult>> result) {
    return Directives.path(PathMatchers.separateOnSlashes(path), () -> Directives.get(() ->
        Directives.onComplete(result.get(), outcome -> {
          if (outcome.isFailure()) {
            return Directives.complete(StatusCodes.SERVICE_UNAVAILABLE, "Health Check Failed: " + outcome.failed().get().getMessage());
          }
          CheckResult checked = outcome.get();
          return checked.isSuccess()
              ? Directives.complete(StatusCodes.OK, "OK")
              : Directives.complete(StatusCodes.SERVICE_UNAVAILABLE, "Not Healthy: " + checked.failure().orElse(""));
        })));
  }
}
