package io.tablecast.item;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.EntityLog;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.category.Categories;
import io.tablecast.category.Category;
import io.tablecast.db.FirstEvents;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Blocking;
import io.tablecast.http.Ids;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.MinVersion;
import io.tablecast.http.Problem;
import io.tablecast.metrics.Metrics;
import io.tablecast.user.Auth;
import io.tablecast.user.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * /api/items: a create writes the new item's first event ({@link Item#created}, {@link FirstEvents}),
 * other commands go to the Item aggregate, reads come from the items read tables. Every
 * route needs a user: the owner, editors and admins may change an item; drafts and archived items
 * are visible to them only, published items to every user.
 */
public final class ItemRoutes extends ApiDirectives {
  private static final Set<String> PATCHABLE = Set.of("title", "content", "status", "category_id", "tags");

  public record NewItem(
      String title, String content, String status, @JsonProperty("category_id") UUID categoryId, List<String> tags) {}

  private final ClusterSharding sharding;
  private final Settings settings;
  private final Auth auth;
  private final Categories categories;
  private final ItemQueries queries;
  private final ItemHistory history;
  private final Blocking blocking;
  private final Metrics metrics;
  private final MinVersion minVersions;
  private final Duration askTimeout;
  private final FirstEvents firstEvents;

  public ItemRoutes(
      ActorSystem<?> system, Settings settings, Metrics metrics, ItemQueries queries, ItemHistory history, Categories categories) {
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.auth = Auth.get(system);
    this.categories = categories;
    this.queries = queries;
    this.history = history;
    this.blocking = new Blocking(system);
    this.minVersions = new MinVersion(system, blocking, settings.queries().minVersionWait());
    this.askTimeout = settings.http().askTimeout();
    this.firstEvents = FirstEvents.get(system);
  }

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix("items", () -> auth.authenticated(principal -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> entity(Json.body(NewItem.class), body -> create(principal, body))),
            get(() -> parameterMap(query -> list(principal, query))))),
        pathPrefix(PathMatchers.segment(), text -> uuid(text, "item", id -> item(principal, id)))))));
  }

  private Route item(Principal principal, UUID id) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterMap(query -> find(principal, id, query))),
            patch(() -> ifMatch(version -> entity(Json.body(JsonNode.class), body -> update(principal, id, body, version)))),
            delete(() -> ifMatch(version -> writable(principal, id, state -> command(id, (request, reply) ->
                new Item.Delete(version, principal.userId(), principal.isEditorOrAdmin(), request, reply))))))),
        path("restore", () -> post(() -> ifMatch(version -> writable(principal, id, state -> command(id, (request, reply) ->
            new Item.Restore(version, principal.userId(), principal.isEditorOrAdmin(), request, reply)))))),
        path("history", () -> get(() -> parameterMap(query -> history(principal, id, query)))));
  }

  // ---- who may see and change an item ----

  static boolean canSee(Principal p, UUID ownerId, String status, boolean deleted) {
    return canChange(p, ownerId) || Item.visibleToAll(status, deleted);
  }

  static boolean canChange(Principal p, UUID ownerId) {
    return p.isEditorOrAdmin() || (ownerId != null && p.is(ownerId));
  }

  /** The item as the aggregate has it now; 404 if it does not exist or the user may not see it. */
  private Route visible(Principal principal, UUID id, Function<Item.State, Route> inner) {
    return onSuccess(item(id).<Item.Reply>ask(Item.Get::new, askTimeout), reply -> {
      if (reply instanceof Item.Accepted a && canSee(principal, a.item().ownerId(), a.item().status(), a.item().deleted())) {
        return inner.apply(a.item());
      }
      return complete(Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"));
    });
  }

  /** Like {@link #visible}, and the user must be its owner, an editor or an admin (else 403). */
  private Route writable(Principal principal, UUID id, Function<Item.State, Route> inner) {
    return visible(principal, id, state -> canChange(principal, state.ownerId())
        ? inner.apply(state)
        : complete(Auth.forbidden("only the item's owner, an editor or an admin may change item " + id)));
  }

  // ---- commands ----

  private Route create(Principal principal, NewItem body) {
    List<FieldError> errors = Item.validateNew(body.title(), body.content(), body.status(), body.tags());
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    UUID id = TimeOrderedUuid.create();
    return withCategory(body.categoryId(), () -> requestId(requestId -> {
      Item.Created created = Item.created(
          id, body.title(), body.content(), body.status(), body.categoryId(), principal.userId(), body.tags(), requestId);
      return completeWithFuture(persistNew(created)
          .thenCompose(done -> view(Item.stateAfter(created), requestId))
          .thenApply(view -> itemResponse(StatusCodes.CREATED, view)));
    }));
  }

  /** Writes a new item's Created event as its first event, without starting its entity. */
  private CompletionStage<Done> persistNew(Item.Created created) {
    String itemId = created.itemId().toString();
    String persistenceId = Item.persistenceIdOf(itemId).id();
    return firstEvents.write(persistenceId, created, Set.of(Item.tagOf(itemId, settings)), askTimeout)
        .whenComplete((done, failure) -> {
          metrics.command("item", failure == null ? "accepted" : "failed");
          if (failure == null) {
            new EntityLog("item", persistenceId, () -> 1, metrics).persisted(created, created.requestId());
          }
        });
  }

  private Route update(Principal principal, UUID id, JsonNode body, Long expectedVersion) {
    if (!body.isObject()) {
      return complete(Problem.response(StatusCodes.BAD_REQUEST, "request body must be a JSON object"));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PATCHABLE.contains(name)) {
        errors.add(new FieldError(name, "is not a field that can be changed"));
      }
    }
    String title = text(body, "title", errors);
    String content = text(body, "content", errors);
    String status = text(body, "status", errors);
    boolean categorySent = body.has("category_id");
    UUID categoryId = null;
    if (categorySent && !body.get("category_id").isNull()) {
      JsonNode value = body.get("category_id");
      Optional<UUID> parsed = value.isTextual() ? Ids.parse(value.textValue()) : Optional.empty();
      if (parsed.isEmpty()) {
        errors.add(new FieldError("category_id", "must be a category id (UUID) or null"));
      }
      categoryId = parsed.orElse(null);
    }
    List<String> tags = null;
    if (body.has("tags")) {
      JsonNode value = body.get("tags");
      if (value.isArray()) {
        tags = new ArrayList<>();
        for (JsonNode tag : value) {
          tags.add(tag.isTextual() ? tag.textValue() : null);
        }
      } else {
        errors.add(new FieldError("tags", "must be a list of strings"));
      }
    }
    errors.addAll(Item.validate(title, content, status));
    errors.addAll(Item.validateTags(tags));
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    Item.Changes changes = new Item.Changes(title, content, status, categorySent, categoryId, tags);
    UUID newCategory = categoryId;
    return writable(principal, id, state -> withCategory(newCategory, () ->
        command(id, (request, reply) -> new Item.Update(changes, expectedVersion, request, reply))));
  }

  /** A string field; null (or JSON null, which these fields do not accept) is an error when sent. */
  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(field, value.isNull() ? "cannot be null" : "must be a string"));
      return null;
    }
    return value.textValue();
  }

  /** An item may only name a category that exists and is not deleted (422), checked on the write side. */
  private Route withCategory(UUID categoryId, java.util.function.Supplier<Route> inner) {
    if (categoryId == null) {
      return inner.get();
    }
    return onSuccess(categories.get(categoryId), reply -> {
      if (reply instanceof Category.Accepted a && a.category().active()) {
        return inner.get();
      }
      return complete(new Problem("about:blank", "Unprocessable Content", 422,
          "category " + categoryId + " does not exist or is deleted",
          List.of(new FieldError("category_id", "must name an existing category"))).toResponse());
    });
  }

  /** Sends a command built from the request id and the reply address; answers with the item or the rejection. */
  private Route command(
      UUID id, BiFunction<String, ActorRef<Item.Reply>, Item.Command> command) {
    return requestId(requestId -> {
      CompletionStage<HttpResponse> response = item(id).<Item.Reply>ask(reply -> command.apply(requestId, reply), askTimeout)
          .whenComplete((reply, failure) -> metrics.command("item", outcome(reply)))
          .thenCompose(reply -> {
        if (reply instanceof Item.Accepted accepted) {
          return view(accepted.item(), requestId).thenApply(view -> itemResponse(StatusCodes.OK, view));
        }
        return CompletableFuture.completedFuture(rejection((Item.Rejected) reply));
      });
      return completeWithFuture(response);
    });
  }

  private static HttpResponse itemResponse(StatusCode status, ItemView view) {
    return withETag(Json.response(status, view), view.version()).addHeader(Location.create("/api/items/" + view.id()));
  }

  private static String outcome(Item.Reply reply) {
    if (reply instanceof Item.Rejected rejected) {
      return rejected.reason().name().toLowerCase(java.util.Locale.ROOT);
    }
    return reply == null ? "failed" : "accepted";
  }

  /**
   * The aggregate's state as the read side would show it, category name included. If the category
   * was deleted while this write was under way (after the check, before the write), the item is
   * detached here: the category's deletion came first in the journal, so the CategoryDetacher
   * would not see this write.
   */
  private CompletionStage<ItemView> view(Item.State state, String requestId) {
    if (state.categoryId() == null) {
      return CompletableFuture.completedFuture(ItemView.of(state, null));
    }
    return categories.get(state.categoryId()).thenCompose(reply -> {
      if (reply instanceof Category.Accepted a && a.category().active()) {
        return CompletableFuture.completedFuture(ItemView.of(state, a.category().name()));
      }
      return item(state.id()).<Item.Reply>ask(r -> new Item.DetachCategory(state.categoryId(), requestId, r), askTimeout)
          .thenApply(detached -> ItemView.of(detached instanceof Item.Accepted d ? d.item() : state, null));
    });
  }

  private static HttpResponse rejection(Item.Rejected rejected) {
    return switch (rejected.reason()) {
      case NOT_FOUND -> Problem.response(StatusCodes.NOT_FOUND, rejected.message());
      case DELETED, NOT_DELETED, INVALID_TRANSITION -> Problem.response(StatusCodes.CONFLICT, rejected.message());
      case VERSION_MISMATCH -> Problem.response(StatusCodes.PRECONDITION_FAILED, rejected.message());
      case INVALID -> Problem.response(StatusCodes.BAD_REQUEST, rejected.message());
      case FORBIDDEN -> Auth.forbidden(rejected.message());
    };
  }

  // ---- reads ----

  private Route find(Principal principal, UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    long minVersion = MinVersion.parse(query, errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return completeWithFuture(minVersions.read(() -> queries.find(id), ItemView::version, minVersion).thenApply(row -> {
      HttpResponse response = row
          .filter(r -> canSee(principal, r.ownerId(), r.status(), r.deleted()))
          .filter(r -> !r.deleted() || (includeDeleted && canChange(principal, r.ownerId())))
          .map(r -> withETag(Json.response(StatusCodes.OK, r), r.version()))
          .orElseGet(() -> Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"));
      return MinVersion.marked(response, row, ItemView::version, minVersion);
    }));
  }

  /**
   * A page of the item's history, by the item's visibility rules: like a read of the item, a deleted
   * item's history is not found unless {@code include_deleted=true} comes from who may change it;
   * its owner, editors and admins see every entry, other users those after which the item was
   * published and not deleted.
   */
  private Route history(Principal principal, UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ItemHistory.Request request = ItemHistory.Request.parse(query, settings.queries().history(), errors);
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return visible(principal, id, state -> {
      boolean mayChange = canChange(principal, state.ownerId());
      if (state.deleted() && !(includeDeleted && mayChange)) {
        return complete(Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"));
      }
      ItemHistory.Reader reader = new ItemHistory.Reader(mayChange, principal.isEditorOrAdmin());
      return completeWithFuture(history.page(id, state.version(), request, reader)
          .thenApply(page -> Json.response(StatusCodes.OK, page)));
    });
  }

  private Route list(Principal principal, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ListParams params = ListParams.parse(query, ItemQueries.SORTABLE, ItemQueries.DEFAULT_SORT, settings.queries(), errors);
    String status = query.get("status");
    if (status != null && !Item.STATUSES.contains(status)) {
      errors.add(new FieldError("status", "must be one of draft, published, archived"));
    }
    UUID categoryId = uuidParam(query, "category_id", errors);
    UUID ownerId = uuidParam(query, "owner_id", errors);
    String tag = query.get("tag");
    if (tag != null && (tag.isEmpty() || tag.length() > Item.MAX_TAG_LENGTH)) {
      errors.add(new FieldError("tag", "must be 1 to " + Item.MAX_TAG_LENGTH + " characters"));
    }
    String q = query.get("q");
    if (q != null && (q.isBlank() || q.length() > Item.MAX_TITLE_LENGTH)) {
      errors.add(new FieldError("q", "must be 1 to " + Item.MAX_TITLE_LENGTH + " characters"));
    }
    Instant after = instantParam(query, "created_after", errors);
    Instant before = instantParam(query, "created_before", errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    if (params.includeDeleted() && !principal.isAdmin()) {
      return complete(Auth.forbidden("include_deleted needs the role admin"));
    }
    ItemQueries.Filter filter = new ItemQueries.Filter(status, categoryId, ownerId, tag, q, after, before);
    ItemQueries.Viewer viewer = new ItemQueries.Viewer(principal.userId(), principal.isEditorOrAdmin());
    return completeWithFuture(blocking.run(() ->
        Json.response(StatusCodes.OK, queries.list(filter, viewer, params, settings.queries().listContentChars()))));
  }

  private static UUID uuidParam(Map<String, String> query, String name, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    Optional<UUID> id = Ids.parse(value);
    if (id.isEmpty()) {
      errors.add(new FieldError(name, "must be a UUID"));
    }
    return id.orElse(null);
  }

  private static Instant instantParam(Map<String, String> query, String name, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(name, "must be an ISO-8601 instant, such as 2026-01-31T12:00:00Z"));
      return null;
    }
  }

  private akka.cluster.sharding.typed.javadsl.EntityRef<Item.Command> item(UUID id) {
    return sharding.entityRefFor(Item.ENTITY_TYPE_KEY, id.toString());
  }
}
