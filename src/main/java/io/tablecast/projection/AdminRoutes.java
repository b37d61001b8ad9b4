package io.tablecast.projection;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.tablecast.db.SchemaReport;
import io.tablecast.http.Blocking;
import io.tablecast.FieldError;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * /admin: projection status, rebuild, switch, drop-generation, pause and resume, and the schema
 * histories. Who may call it is decided by {@code adminOnly}, which wraps every route.
 */
public final class AdminRoutes extends AllDirectives {
  public record Started(String name, int generation) {}

  public record Paused(String name, boolean paused) {}

  private final ReadSide readSide;
  private final SchemaReport schema;
  private final Blocking blocking;
  private final Function<Supplier<Route>, Route> adminOnly;

  public AdminRoutes(
      ActorSystem<?> system, ReadSide readSide, SchemaReport schema, Function<Supplier<Route>, Route> adminOnly) {
    this.readSide = readSide;
    this.schema = schema;
    this.blocking = new Blocking(system);
    this.adminOnly = adminOnly;
  }

  public Route routes() {
    return pathPrefix("admin", () -> adminOnly.apply(() -> concat(
        path("schema", () -> get(() -> json(() -> schema.report()))),
        pathPrefix("projections", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> json(this::all))),
            pathPrefix(PathMatchers.segment(), name -> projection(name, this::projectionRoutes)))))));
  }

  private Route projectionRoutes(ReadProjection<?> projection) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> json(() -> readSide.statuses().status(projection)))),
        path("rebuild", () -> post(() -> parameterMap(query -> verify(query, verify -> refusable(() -> {
          Generation g = readSide.rebuilds().rebuild(projection, verify);
          return Json.response(StatusCodes.ACCEPTED, new Started(projection.name(), g.generation()));
        }))))),
        path("pause", () -> post(() -> refusable(() -> {
          readSide.instances().pause(projection, true);
          return Json.response(StatusCodes.OK, new Paused(projection.name(), true));
        }))),
        path("resume", () -> post(() -> refusable(() -> {
          readSide.instances().pause(projection, false);
          return Json.response(StatusCodes.OK, new Paused(projection.name(), false));
        }))),
        path("switch", () -> post(() -> parameter("generation", text -> generation(text, g -> refusable(() -> {
          readSide.switchover().switchTo(projection, g);
          return Json.response(StatusCodes.OK, new Started(projection.name(), g));
        }))))),
        pathPrefix("generations", () -> path(PathMatchers.segment(), text -> delete(() -> generation(text, g -> refusable(() -> {
          readSide.instances().drop(projection, g);
          return akka.http.javadsl.model.HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
        }))))));
  }

  private Map<String, List<ProjectionStatus>> all() throws Exception {
    List<ProjectionStatus> data = new ArrayList<>();
    for (ReadProjection<?> p : readSide.projections()) {
      data.add(readSide.statuses().status(p));
    }
    return Map.of("data", data);
  }

  private Route projection(String name, Function<ReadProjection<?>, Route> inner) {
    Optional<ReadProjection<?>> projection = readSide.projection(name);
    return projection.map(inner).orElseGet(() -> complete(Problem.response(StatusCodes.NOT_FOUND, "no projection named " + name)));
  }

  private Route generation(String text, Function<Integer, Route> inner) {
    try {
      int g = Integer.parseInt(text);
      if (g >= 1) {
        return inner.apply(g);
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    return complete(Problem.validation(List.of(new FieldError("generation", "must be a positive integer"))).toResponse());
  }

  /** {@code verify=true|false}, false when absent; anything else is refused rather than read as false. */
  private Route verify(Map<String, String> query, Function<Boolean, Route> inner) {
    List<FieldError> errors = new ArrayList<>();
    boolean verify = ListParams.bool(query, "verify", errors);
    return errors.isEmpty() ? inner.apply(verify) : complete(Problem.validation(errors).toResponse());
  }

  private Route json(Blocking.Work<Object> work) {
    return completeWithFuture(blocking.run(work).thenApply(body -> Json.response(StatusCodes.OK, body)));
  }

  /** Runs an operation; a refusal is 409 (or 404 for an unknown generation), not a fault. */
  private Route refusable(Blocking.Work<akka.http.javadsl.model.HttpResponse> work) {
    return completeWithFuture(blocking.run(() -> {
      try {
        return work.run();
      } catch (GenerationRegistry.Refused refused) {
        return Problem.response(refused.notFound ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT, refused.getMessage());
      }
    }));
  }
}
