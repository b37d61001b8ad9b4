package io.tablecast.category;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import io.tablecast.aggregate.Reply;
import io.tablecast.aggregate.Role;
import io.tablecast.Settings;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Authentication;
import io.tablecast.http.Blocking;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.MinVersion;
import io.tablecast.http.Principal;
import io.tablecast.http.Problem;
import io.tablecast.http.Replies;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** /api/categories: editors and admins write, every authenticated user reads. */
public final class CategoryRoutes extends ApiDirectives {
  private static final Set<Role> CURATORS = EnumSet.of(Role.EDITOR, Role.ADMIN);
  private static final Set<String> FIELDS = Set.of("name", "description");

  private final Settings settings;
  private final Authentication auth;
  private final Categories categories;
  private final CategoryQueries queries;
  private final Blocking blocking;
  private final MinVersion minVersions;

  public CategoryRoutes(ActorSystem<?> system, Settings settings, Authentication auth, Categories categories,
      CategoryQueries queries) {
    this.settings = settings;
    this.auth = auth;
    this.categories = categories;
    this.queries = queries;
    this.blocking = new Blocking(system);
    this.minVersions = new MinVersion(system, blocking, settings.queries().minVersionWait());
  }

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix("categories", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> curator(p -> entity(Json.body(JsonNode.class), this::create))),
            get(() -> auth.authenticated(p -> parameterMap(query -> list(p, query)))))),
        pathPrefix(PathMatchers.segment(), text -> uuid(text, "category", this::category)))));
  }

  private Route curator(Function<Principal, Route> inner) {
    return auth.requireAnyRole(CURATORS, inner);
  }

  private Route category(UUID id) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> auth.authenticated(p -> parameterMap(query -> find(p, id, query)))),
            patch(() -> curator(p -> ifMatch(version -> entity(Json.body(JsonNode.class), body -> update(id, body, version))))),
            delete(() -> curator(p -> ifMatch(version -> requestId(request -> respond(categories.delete(id, version, request), StatusCodes.OK))))))),
        path("restore", () -> post(() -> curator(p -> ifMatch(version ->
            requestId(request -> respond(categories.restore(id, version, request), StatusCodes.OK)))))));
  }

  private Route create(JsonNode body) {
    return fields(body, FIELDS, fields -> {
      String name = fields.text("name");
      String description = fields.text("description", true);
      if (!fields.has("name")) {
        fields.check(List.of(new FieldError("name", "is required")));
      }
      fields.check(Category.validate(name, description));
      return whenValid(fields, () ->
          requestId(request -> respond(categories.create(name, description, request), StatusCodes.CREATED)));
    });
  }

  private Route update(UUID id, JsonNode body, Long version) {
    return fields(body, FIELDS, fields -> {
      String name = fields.text("name");
      String description = fields.text("description", true);
      fields.check(Category.validate(name, description));
      Category.Changes changes = new Category.Changes(name, fields.has("description"), description);
      return whenValid(fields, () ->
          requestId(request -> respond(categories.update(id, changes, version, request), StatusCodes.OK)));
    });
  }

  private Route find(Principal principal, UUID id, Map<String, String> query) {
    return readById(query, (includeDeleted, minVersion) -> {
      if (includeDeleted && !principal.isEditorOrAdmin()) {
        return complete(Authentication.forbidden("include_deleted needs the role editor or admin"));
      }
      return completeWithFuture(minVersions.read(() -> queries.find(id, includeDeleted), CategoryView::version, minVersion)
          .thenApply(row -> MinVersion.marked(row
              .map(c -> withETag(Json.response(StatusCodes.OK, c), c.version()))
              .orElseGet(() -> Problem.response(StatusCodes.NOT_FOUND, "category " + id + " does not exist")),
              row, CategoryView::version, minVersion)));
    });
  }

  private Route list(Principal principal, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ListParams params = ListParams.parse(query, CategoryQueries.SORTABLE, CategoryQueries.DEFAULT_SORT, settings.queries(), errors);
    // A blank name would match every category; no category has a longer one.
    String name = query.get("name");
    if (name != null && (name.isBlank() || name.length() > Category.MAX_NAME_LENGTH)) {
      errors.add(new FieldError("name", "must be 1 to " + Category.MAX_NAME_LENGTH + " characters and not blank"));
    }
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    if (params.includeDeleted() && !principal.isEditorOrAdmin()) {
      return complete(Authentication.forbidden("include_deleted needs the role editor or admin"));
    }
    return completeWithFuture(blocking.run(() -> Json.response(StatusCodes.OK, queries.list(name, params))));
  }

  private Route respond(CompletionStage<Reply<Category.State>> reply, StatusCode success) {
    return completeWithFuture(reply.thenApply(r -> Replies.toResponse(r, c ->
        withETag(Json.response(success, CategoryView.of(c)), c.version()).addHeader(Location.create("/api/categories/" + c.id())))));
  }
}
