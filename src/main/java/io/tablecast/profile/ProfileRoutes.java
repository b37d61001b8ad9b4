package io.tablecast.profile;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.Settings;
import io.tablecast.aggregate.Reply;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Authentication;
import io.tablecast.http.Blocking;
import io.tablecast.http.Json;
import io.tablecast.http.JsonFields;
import io.tablecast.http.MinVersion;
import io.tablecast.http.Principal;
import io.tablecast.http.Problem;
import io.tablecast.http.Replies;
import io.tablecast.profile.ProfileOwners.Standing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * /api/users/{id}/profile: every user reads the profile of an active user; the user themself or
 * an admin creates or replaces it (PUT), changes part of it (PATCH) or deletes it.
 */
public final class ProfileRoutes extends ApiDirectives {
  private static final List<String> FIELDS = List.of("bio", "website", "location", "avatar_url");

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Authentication auth;
  private final ProfileOwners owners;
  private final ProfileQueries queries;
  private final MinVersion minVersions;

  ProfileRoutes(
      ActorSystem<?> system, Settings settings, Authentication auth, ProfileOwners owners, ProfileQueries queries) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.http().askTimeout();
    this.auth = auth;
    this.owners = owners;
    this.queries = queries;
    this.minVersions = new MinVersion(system, new Blocking(system), settings.queries().minVersionWait());
  }

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix("users", () -> pathPrefix(PathMatchers.segment(), text ->
        pathPrefix("profile", () -> pathEndOrSingleSlash(() ->
            uuid(text, "user", id -> auth.authenticated(principal -> profile(principal, id))))))));
  }

  private Route profile(Principal principal, UUID id) {
    return concat(
        get(() -> parameterMap(query -> find(principal, id, query))),
        put(() -> writer(principal, id, () -> ifMatch(version ->
            entity(Json.body(JsonNode.class), body -> put(principal, id, body, version))))),
        patch(() -> writer(principal, id, () -> ifMatch(version ->
            entity(Json.body(JsonNode.class), body -> patch(principal, id, body, version))))),
        delete(() -> writer(principal, id, () -> ifMatch(version -> requestId(request ->
            send(principal, id, replyTo -> new Profile.Delete(principal.actor(), version, request, replyTo)))))));
  }

  /** Refused before the body is read; the aggregate checks it again. */
  private Route writer(Principal principal, UUID id, Supplier<Route> inner) {
    return principal.is(id) || principal.isAdmin()
        ? inner.get()
        : complete(Authentication.forbidden("only the user themself or an admin may change their profile"));
  }

  /** The whole profile: a field left out is empty. */
  private Route put(Principal principal, UUID id, JsonNode body, Long version) {
    return fields(body, Set.copyOf(FIELDS), fields -> {
      Profile.Fields values = values(fields);
      return whenValid(fields, () -> requestId(request ->
          send(principal, id, replyTo -> new Profile.Put(values, principal.actor(), version, request, replyTo))));
    });
  }

  /** Only the fields sent change; null clears one. */
  private Route patch(Principal principal, UUID id, JsonNode body, Long version) {
    return fields(body, Set.copyOf(FIELDS), fields -> {
      Profile.Fields values = values(fields);
      Set<String> sent = Set.copyOf(FIELDS.stream().filter(fields::has).toList());
      return whenValid(fields, () -> requestId(request ->
          send(principal, id, replyTo -> new Profile.Patch(values, sent, principal.actor(), version, request, replyTo))));
    });
  }

  /** The body's fields, every one clearable, checked against the aggregate's rules. */
  private static Profile.Fields values(JsonFields fields) {
    Profile.Fields values = new Profile.Fields(fields.text("bio", true), fields.text("website", true),
        fields.text("location", true), fields.text("avatar_url", true));
    fields.check(Profile.validate(values));
    return values;
  }

  /**
   * Sends a write to the profile of a user who is there: the caller themself is (they are
   * authenticated); an admin writing another user's profile asks the User first.
   */
  private Route send(Principal principal, UUID id, Function<ActorRef<Reply<Profile.State>>, Profile.Command> command) {
    CompletionStage<Standing> owner = principal.is(id) ? CompletableFuture.completedFuture(Standing.ACTIVE) : owners.of(id);
    return completeWithFuture(owner.thenCompose(standing -> switch (standing) {
      case NONE -> CompletableFuture.completedFuture(Problem.response(StatusCodes.NOT_FOUND, "user " + id + " does not exist"));
      case DELETED -> CompletableFuture.completedFuture(Problem.response(StatusCodes.NOT_FOUND, "user " + id + " is deleted"));
      case DEACTIVATED, ACTIVE -> sharding.entityRefFor(Profile.ENTITY_TYPE_KEY, id.toString())
          .ask(command::apply, askTimeout)
          .thenApply(reply -> answer(id, reply));
    }));
  }

  private static HttpResponse answer(UUID id, Reply<Profile.State> reply) {
    boolean created = reply instanceof Profile.Accepted accepted && accepted.created();
    return Replies.toResponse(reply, profile ->
        withETag(Json.response(created ? StatusCodes.CREATED : StatusCodes.OK, ProfileView.of(profile)), profile.version())
            .addHeader(Location.create("/api/users/" + id + "/profile")));
  }

  /**
   * Any user reads the profile of an active user; the owner's standing is the User aggregate's, so
   * a deleted user's profile is never served, even before the cascade has deleted it.
   */
  private Route find(Principal principal, UUID id, Map<String, String> query) {
    return readById(query, (includeDeleted, minVersion) -> {
      if (includeDeleted && !principal.isAdmin()) {
        return complete(Authentication.forbidden("include_deleted needs the role admin"));
      }
      CompletionStage<Standing> owner = principal.is(id) ? CompletableFuture.completedFuture(Standing.ACTIVE) : owners.of(id);
      return completeWithFuture(owner.thenCompose(standing -> standing != Standing.ACTIVE
          ? CompletableFuture.completedFuture(Problem.response(StatusCodes.NOT_FOUND, "user " + id + " is not an active user"))
          : minVersions.read(() -> queries.find(id, includeDeleted), ProfileView::version, minVersion)
              .thenApply(row -> MinVersion.marked(row
                  .map(p -> withETag(Json.response(StatusCodes.OK, p), p.version()))
                  .orElseGet(() -> Problem.response(StatusCodes.NOT_FOUND, "user " + id + " has no profile")),
                  row, ProfileView::version, minVersion))));
    });
  }
}
