package io.tablecast.item;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.aggregate.Reply;
import io.tablecast.category.Categories;
import io.tablecast.category.Category;
import io.tablecast.category.CategoryQueries;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Authentication;
import io.tablecast.http.Blocking;
import io.tablecast.http.Ids;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.MinVersion;
import io.tablecast.http.Principal;
import io.tablecast.http.Problem;
import io.tablecast.http.Replies;
import io.tablecast.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * /api/items. A create writes the new item's first event ({@link NewItems}); every other command
 * is one ask of the Item aggregate, which decides who may do it; reads come from the items read
 * tables, filtered by the same rules ({@link Item#canSee}). A write that names a category asks
 * the Category aggregate once whether it is live.
 */
public final class ItemRoutes extends ApiDirectives {
  private static final Set<String> FIELDS = Set.of("title", "content", "status", "category_id", "tags");

  public record NewItem(
      String title, String content, String status, @JsonProperty("category_id") UUID categoryId, List<String> tags) {}

  private final ClusterSharding sharding;
  private final Settings settings;
  private final Authentication auth;
  private final ItemCategories categories;
  private final ItemQueries queries;
  private final ItemHistory history;
  private final Blocking blocking;
  private final Metrics metrics;
  private final MinVersion minVersions;
  private final Duration askTimeout;
  private final NewItems newItems;

  public ItemRoutes(ActorSystem<?> system, Settings settings, Authentication auth, Metrics metrics, ItemQueries queries,
      ItemHistory history, Categories categories, CategoryQueries categoryQueries) {
    this.metrics = metrics;
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.auth = auth;
    this.categories = new ItemCategories(system, categories, categoryQueries);
    this.queries = queries;
    this.history = history;
    this.blocking = new Blocking(system);
    this.minVersions = new MinVersion(system, blocking, settings.queries().minVersionWait());
    this.askTimeout = settings.http().askTimeout();
    this.newItems = new NewItems(system, settings, metrics);
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
            delete(() -> ifMatch(version ->
                command(id, null, (request, reply) -> new Item.Delete(principal.actor(), version, request, reply)))))),
        path("restore", () -> post(() -> ifMatch(version ->
            command(id, null, (request, reply) -> new Item.Restore(principal.actor(), version, request, reply))))),
        path("history", () -> get(() -> parameterMap(query -> history(principal, id, query)))));
  }

  // ---- commands ----

  private Route create(Principal principal, NewItem body) {
    List<FieldError> errors = Item.validateNew(body.title(), body.content(), body.status(), body.tags());
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    UUID id = TimeOrderedUuid.create();
    return withCategory(body.categoryId(), category -> requestId(requestId -> {
      Item.Created created = Item.created(
          id, body.title(), body.content(), body.status(), body.categoryId(), principal.userId(), body.tags(), requestId);
      return completeWithFuture(newItems.write(created)
          .thenCompose(done -> view(Item.stateAfter(created), category, requestId))
          .thenApply(view -> itemResponse(StatusCodes.CREATED, view)));
    }));
  }

  private Route update(Principal principal, UUID id, JsonNode body, Long expectedVersion) {
    return fields(body, FIELDS, fields -> {
      String title = fields.text("title");
      String content = fields.text("content");
      String status = fields.text("status");
      UUID categoryId = fields.id("category_id", true);
      List<String> tags = fields.strings("tags");
      fields.check(Item.validate(title, content, status));
      fields.check(Item.validateTags(tags));
      Item.Changes changes = new Item.Changes(title, content, status, fields.has("category_id"), categoryId, tags);
      return whenValid(fields, () -> withCategory(categoryId, category ->
          command(id, category, (request, reply) -> new Item.Update(changes, principal.actor(), expectedVersion, request, reply))));
    });
  }

  /** An item may only name a category that exists and is not deleted (422), checked on the write side. */
  private Route withCategory(UUID categoryId, Function<Category.State, Route> inner) {
    if (categoryId == null) {
      return inner.apply(null);
    }
    return onSuccess(categories.live(categoryId), category -> category.isPresent()
        ? inner.apply(category.get())
        : complete(new Problem("about:blank", "Unprocessable Content", 422,
            "category " + categoryId + " does not exist or is deleted",
            List.of(new FieldError("category_id", "must name an existing category"))).toResponse()));
  }

  /** Sends a command built from the request id and the reply address; answers with the item or the rejection. */
  private Route command(UUID id, Category.State checked, BiFunction<String, ActorRef<Reply<Item.State>>, Item.Command> command) {
    return requestId(requestId -> completeWithFuture(ask(id, reply -> command.apply(requestId, reply))
        .whenComplete((reply, failure) -> metrics.command("item", outcome(reply)))
        .thenCompose(reply -> reply instanceof Item.Accepted accepted
            ? view(accepted.state(), checked, requestId).thenApply(view -> itemResponse(StatusCodes.OK, view))
            : CompletableFuture.completedFuture(Replies.toResponse(reply, state -> null)))));
  }

  /** The aggregate's state as the read side would show it, category name included. */
  private CompletionStage<ItemView> view(Item.State state, Category.State checked, String requestId) {
    return categories.view(state, checked, categoryId ->
        ask(state.id(), reply -> new Item.DetachCategory(categoryId, requestId, reply))
            .thenApply(reply -> reply instanceof Item.Accepted detached ? detached.state() : state));
  }

  private CompletionStage<Reply<Item.State>> ask(UUID id, Function<ActorRef<Reply<Item.State>>, Item.Command> command) {
    return item(id).ask(command::apply, askTimeout);
  }

  private static HttpResponse itemResponse(StatusCode status, ItemView view) {
    return withETag(Json.response(status, view), view.version()).addHeader(Location.create("/api/items/" + view.id()));
  }

  private static String outcome(Reply<Item.State> reply) {
    if (reply instanceof Reply.Rejected<Item.State> rejected) {
      return rejected.reason().name().toLowerCase(Locale.ROOT);
    }
    return reply == null ? "failed" : "accepted";
  }

  // ---- reads ----

  private Route find(Principal principal, UUID id, Map<String, String> query) {
    return readById(query, (includeDeleted, minVersion) ->
        // Of those who may change an item, its deleted owner can no longer ask: editors and admins
        // see an item whose owner is deleted as they see a deleted one, with include_deleted.
        completeWithFuture(minVersions.read(() -> queries.find(id, includeDeleted && principal.isEditorOrAdmin()),
            ItemView::version, minVersion).thenApply(row -> {
          HttpResponse response = row
              .filter(r -> Item.canSee(principal.actor(), r.ownerId(), r.status(), r.deleted()))
              .filter(r -> !r.deleted() || (includeDeleted && Item.canChange(principal.actor(), r.ownerId())))
              .map(r -> withETag(Json.response(StatusCodes.OK, r), r.version()))
              .orElseGet(() -> Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"));
          return MinVersion.marked(response, row, ItemView::version, minVersion);
        })));
  }

  /**
   * A page of the item's history, by the item's visibility rules (one ask of the aggregate, which
   * answers NOT_FOUND to who may not see the item): like a read of the item, a deleted item's
   * history is not found unless {@code include_deleted=true} comes from who may change it; its
   * owner, editors and admins see every entry, other users those after which the item was
   * published and not deleted.
   */
  private Route history(Principal principal, UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ItemHistory.Request request = ItemHistory.Request.parse(query, settings.queries().history(), errors);
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return completeWithFuture(ask(id, reply -> new Item.Get(principal.actor(), reply)).thenCompose(reply -> {
      if (!(reply instanceof Item.Accepted accepted)) {
        return CompletableFuture.completedFuture(Replies.toResponse(reply, state -> null));
      }
      Item.State state = accepted.state();
      boolean mayChange = Item.canChange(principal.actor(), state.ownerId());
      if (state.deleted() && !(includeDeleted && mayChange)) {
        return CompletableFuture.completedFuture(Problem.response(StatusCodes.NOT_FOUND, "item " + id + " does not exist"));
      }
      ItemHistory.Reader reader = new ItemHistory.Reader(mayChange, principal.isEditorOrAdmin());
      return history.page(id, state.version(), request, reader).thenApply(page -> Json.response(StatusCodes.OK, page));
    }));
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
      return complete(Authentication.forbidden("include_deleted needs the role admin"));
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

  private EntityRef<Item.Command> item(UUID id) {
    return sharding.entityRefFor(Item.ENTITY_TYPE_KEY, id.toString());
  }
}
