package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.EntityTag;
import akka.http.javadsl.model.headers.ETag;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.http.Blocking;
import io.tablecast.http.Ids;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.Problem;
import io.tablecast.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** /api/items: commands go to the Item aggregate, reads come from the items read table. */
public final class ItemRoutes extends AllDirectives {
  private static final Set<String> PATCHABLE = Set.of("title", "content", "status");

  public record NewItem(String title, String content, String status) {}

  private final ClusterSharding sharding;
  private final Settings settings;
  private final ItemQueries queries;
  private final Blocking blocking;
  private final Metrics metrics;
  private final Duration askTimeout;

  public ItemRoutes(ActorSystem<?> system, Settings settings, Metrics metrics, ItemQueries queries) {
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.queries = queries;
    this.blocking = new Blocking(system);
    this.askTimeout = settings.http().askTimeout();
  }

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix("items", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> entity(Json.body(NewItem.class), this::create)),
            get(() -> parameterMap(this::list)))),
        pathPrefix(PathMatchers.segment(), idText -> itemId(idText, this::item)))));
  }

  private Route item(UUID id) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterMap(query -> find(id, query))),
            patch(() -> ifMatch(version -> entity(Json.body(JsonNode.class), body -> update(id, body, version)))),
            delete(() -> ifMatch(version -> command(id, reply -> new Item.Delete(version, reply), StatusCodes.OK))))),
        path("restore", () -> post(() ->
            ifMatch(version -> command(id, reply -> new Item.Restore(version, reply), StatusCodes.OK)))));
  }

  private Route create(NewItem body) {
    List<FieldError> errors = Item.validateNew(body.title(), body.content(), body.status());
    if (!errors.isEmpty()) {
      return complete(Problem.validation(errors).toResponse());
    }
    UUID id = UUID.randomUUID();
    return command(id, reply -> new Item.Create(body.title(), body.content(), body.status(), null, null, reply), StatusCodes.CREATED);
  }

  private Route update(UUID id, JsonNode body, Long expectedVersion) {
    List<FieldError> errors = new ArrayList<>();
    if (!body.isObject()) {
      return complete(Problem.response(StatusCodes.BAD_REQUEST, "request body must be a JSON object"));
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PATCHABLE.contains(name)) {
        errors.add(new FieldError(name, "is not a field that can be changed"));
      } else if (!body.get(name).isTextual()) {
        errors.add(new FieldError(name, "must be a string"));
      }
    }
    Item.Changes changes = new Item.Changes(text(body, "title"), text(body, "content"), text(body, "status"), false, null);
    errors.addAll(Item.validate(changes.title(), changes.content(), changes.status()));
    if (!errors.isEmpty()) {
      return complete(Problem.validation(errors).toResponse());
    }
    return command(id, reply -> new Item.Update(changes, expectedVersion, reply), StatusCodes.OK);
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private Route command(UUID id, akka.japi.function.Function<akka.actor.typed.ActorRef<Item.Reply>, Item.Command> command,
      akka.http.javadsl.model.StatusCode success) {
    EntityRef<Item.Command> item = sharding.entityRefFor(Item.ENTITY_TYPE_KEY, id.toString());
    CompletionStage<HttpResponse> response =
        item.ask(command::apply, askTimeout).whenComplete((reply, failure) -> metrics.command("item", outcome(reply)))
            .thenApply(reply -> {
          if (reply instanceof Item.Accepted accepted) {
            return withETag(Json.response(success, ItemView.of(accepted.item())), accepted.item().version())
                .addHeader(Location.create("/api/items/" + id));
          }
          return rejection((Item.Rejected) reply);
        });
    return completeWithFuture(response);
  }

  private static String outcome(Item.Reply reply) {
    if (reply instanceof Item.Rejected rejected) {
      return rejected.reason().name().toLowerCase(java.util.Locale.ROOT);
    }
    return reply == null ? "failed" : "accepted";
  }

  private static HttpResponse rejection(Item.Rejected rejected) {
    return switch (rejected.reason()) {
      case NOT_FOUND -> Problem.response(StatusCodes.NOT_FOUND, rejected.message());
      case ALREADY_EXISTS, DELETED, NOT_DELETED -> Problem.response(StatusCodes.CONFLICT, rejected.message());
      case VERSION_MISMATCH -> Problem.response(StatusCodes.PRECONDITION_FAILED, rejected.message());
      case INVALID -> Problem.response(StatusCodes.BAD_REQUEST, rejected.message());
    };
  }

  private Route find(UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    if (!errors.isEmpty()) {
      return complete(Problem.validation(errors).toResponse());
    }
    return completeWithFuture(blocking.run(() -> queries.find(id, includeDeleted)
        .map(item -> withETag(Json.response(StatusCodes.OK, item), item.version()))
        .orElseGet(() -> Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"))));
  }

  private Route list(Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ListParams params = ListParams.parse(query, ItemQueries.SORTABLE, ItemQueries.DEFAULT_SORT, settings.queries(), errors);
    if (!errors.isEmpty()) {
      return complete(Problem.validation(errors).toResponse());
    }
    return completeWithFuture(blocking.run(() -> Json.response(StatusCodes.OK, queries.list(params))));
  }

  private Route itemId(String text, Function<UUID, Route> inner) {
    Optional<UUID> id = Ids.parse(text);
    return id.isPresent()
        ? inner.apply(id.get())
        : complete(Problem.response(StatusCodes.NOT_FOUND, "no item has the id '" + text + "': ids are UUIDs"));
  }

  /** {@code If-Match: "3"} (or 3): the write applies only if the item is still at version 3. */
  private Route ifMatch(Function<Long, Route> inner) {
    return optionalHeaderValueByName("If-Match", header -> {
      if (header.isEmpty() || header.get().trim().equals("*")) {
        return inner.apply(null);
      }
      String value = header.get().trim().replace("W/", "").replace("\"", "");
      try {
        return inner.apply(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return complete(Problem.response(StatusCodes.BAD_REQUEST, "If-Match must be an item version, such as \"3\""));
      }
    });
  }

  private static HttpResponse withETag(HttpResponse response, long version) {
    return response.addHeader(ETag.create(EntityTag.create(Long.toString(version), false)));
  }
}
