package io.tablecast.user;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Blocking;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** /api/users and /api/auth/token. */
public final class UserRoutes extends ApiDirectives {
  private static final Set<String> SELF_PATCHABLE = Set.of("full_name", "password");
  private static final Set<String> ADMIN_PATCHABLE = Set.of("is_active", "roles");

  /** Jackson 2.13 cannot bind a renamed record component through the naming strategy alone. */
  public record NewUser(String email, String password, @JsonProperty("full_name") String fullName) {}

  public record Credentials(String email, String password) {}

  public record Token(String accessToken, String tokenType, long expiresIn) {}

  private final Settings settings;
  private final Auth auth;
  private final Accounts accounts;
  private final UserQueries queries;
  private final Blocking blocking;
  private final LoginThrottle throttle;

  public UserRoutes(akka.actor.typed.ActorSystem<?> system, Settings settings, Accounts accounts, UserQueries queries) {
    this.settings = settings;
    this.auth = Auth.get(system);
    this.accounts = accounts;
    this.queries = queries;
    this.blocking = new Blocking(system);
    this.throttle = new LoginThrottle(settings.auth().maxFailedLogins(), settings.auth().failedLoginWindow());
  }

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("auth").slash("token"), () -> post(() -> entity(Json.body(Credentials.class), this::token))),
        pathPrefix("users", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                post(() -> entity(Json.body(NewUser.class), this::register)),
                get(() -> auth.requireRole(Role.ADMIN, admin -> parameterMap(this::list))))),
            path("me", () -> get(() -> auth.authenticated(me -> completeWithFuture(
                accounts.get(me.userId()).thenApply(reply -> answer(reply, StatusCodes.OK)))))),
            pathPrefix(PathMatchers.segment(), text -> uuid(text, "user", id ->
                auth.authenticated(principal -> user(principal, id))))))));
  }

  private Route user(Principal principal, UUID id) {
    boolean allowed = principal.is(id) || principal.isAdmin();
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterMap(query -> allowed ? find(principal, id, query) : forbidden())),
            patch(() -> allowed
                ? ifMatch(version -> entity(Json.body(JsonNode.class), body -> update(principal, id, body, version)))
                : forbidden()),
            delete(() -> allowed
                ? ifMatch(version -> requestId(request -> respond(accounts.delete(id, version, request), StatusCodes.OK)))
                : forbidden()))),
        path("restore", () -> post(() -> principal.isAdmin()
            ? ifMatch(version -> requestId(request -> respond(accounts.restore(id, version, request), StatusCodes.OK)))
            : complete(Auth.forbidden("restoring a user needs the role admin")))));
  }

  private Route forbidden() {
    return complete(Auth.forbidden("only the user themself or an admin may do this"));
  }

  private Route register(NewUser body) {
    String email = User.normalizeEmail(body.email());
    List<FieldError> errors = new ArrayList<>(User.validateEmail(email));
    errors.addAll(User.validatePassword(body.password()));
    if (body.fullName() == null) {
      errors.add(new FieldError("full_name", "is required"));
    }
    errors.addAll(User.validateFullName(body.fullName()));
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return requestId(request -> respond(
        accounts.register(email, body.password(), body.fullName(), List.of(Role.USER.label()), request), StatusCodes.CREATED));
  }

  private Route token(Credentials body) {
    String email = User.normalizeEmail(body.email());
    if (email == null || body.password() == null) {
      List<FieldError> errors = new ArrayList<>();
      if (email == null) errors.add(new FieldError("email", "is required"));
      if (body.password() == null) errors.add(new FieldError("password", "is required"));
      return invalid(errors);
    }
    Optional<Duration> wait = throttle.retryAfter(email, Instant.now());
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      return complete(Problem.response(StatusCodes.TOO_MANY_REQUESTS, "too many failed logins for this email; retry in "
          + seconds + " s").addHeader(RetryAfter.create(seconds)));
    }
    CompletionStage<HttpResponse> response = accounts.login(email, body.password()).thenApply(login -> {
      if (login instanceof Accounts.LoggedIn in) {
        throttle.succeeded(email);
        Tokens tokens = auth.tokens();
        return Json.response(StatusCodes.OK,
            new Token(tokens.issue(in.user().id()), "Bearer", tokens.ttl().toSeconds()));
      }
      throttle.failed(email, Instant.now());
      return Auth.unauthorized("wrong email or password");
    });
    return completeWithFuture(response);
  }

  private Route find(Principal principal, UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return completeWithFuture(accounts.get(id).thenApply(reply -> {
      if (reply instanceof User.Accepted a && a.user().deleted() && !(includeDeleted && principal.isAdmin())) {
        return Problem.response(StatusCodes.NOT_FOUND, "user " + id + " is deleted");
      }
      return answer(reply, StatusCodes.OK);
    }));
  }

  private Route update(Principal principal, UUID id, JsonNode body, Long version) {
    if (!body.isObject()) {
      return complete(Problem.response(StatusCodes.BAD_REQUEST, "request body must be a JSON object"));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (ADMIN_PATCHABLE.contains(name) && !principal.isAdmin()) {
        return complete(Auth.forbidden("only an admin may change " + name));
      }
      if (!SELF_PATCHABLE.contains(name) && !ADMIN_PATCHABLE.contains(name)) {
        errors.add(new FieldError(name, "is not a field that can be changed"));
      }
    }
    String fullName = text(body, "full_name", errors);
    String password = text(body, "password", errors);
    Boolean active = null;
    if (body.has("is_active")) {
      if (body.get("is_active").isBoolean()) {
        active = body.get("is_active").booleanValue();
      } else {
        errors.add(new FieldError("is_active", "must be true or false"));
      }
    }
    List<String> roles = null;
    if (body.has("roles")) {
      JsonNode node = body.get("roles");
      if (node.isArray() && node.size() > 0) {
        roles = new ArrayList<>();
        for (JsonNode role : node) {
          roles.add(role.isTextual() ? role.textValue() : null);
        }
        errors.addAll(User.validateRoles(roles));
      } else {
        errors.add(new FieldError("roles", "must be a non-empty list of user, editor, admin"));
      }
    }
    errors.addAll(User.validateFullName(fullName));
    if (password != null) {
      errors.addAll(User.validatePassword(password));
    }
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    Boolean newActive = active;
    List<String> newRoles = roles;
    return requestId(request ->
        respond(accounts.update(id, fullName, password, newActive, newRoles, version, request), StatusCodes.OK));
  }

  private static String text(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return value.textValue();
  }

  private Route list(Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    ListParams params = ListParams.parse(query, UserQueries.SORTABLE, UserQueries.DEFAULT_SORT, settings.queries(), errors);
    String role = query.get("role");
    if (role != null && Role.parse(role).isEmpty()) {
      errors.add(new FieldError("role", "must be one of user, editor, admin"));
    }
    Boolean active = query.containsKey("is_active") ? ListParams.bool(query, "is_active", errors) : null;
    // Matched against normalized emails: one that normalizes to nothing would match every user.
    String email = User.normalizeEmail(query.get("email"));
    if (email != null && (email.isEmpty() || email.length() > User.MAX_EMAIL_LENGTH)) {
      errors.add(new FieldError("email", "must be 1 to " + User.MAX_EMAIL_LENGTH + " characters and not blank"));
    }
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    UserQueries.Filter filter = new UserQueries.Filter(email, role, active);
    return completeWithFuture(blocking.run(() -> Json.response(StatusCodes.OK, queries.list(filter, params))));
  }

  private Route respond(CompletionStage<User.Reply> reply, StatusCode success) {
    return completeWithFuture(reply.thenApply(r -> answer(r, success)));
  }

  private static HttpResponse answer(User.Reply reply, StatusCode success) {
    if (reply instanceof User.Accepted accepted) {
      User.State user = accepted.user();
      return withETag(Json.response(success, UserView.of(user)), user.version())
          .addHeader(Location.create("/api/users/" + user.id()));
    }
    User.Rejected rejected = (User.Rejected) reply;
    return switch (rejected.reason()) {
      case NOT_FOUND -> Problem.response(StatusCodes.NOT_FOUND, rejected.message());
      case ALREADY_EXISTS, DELETED, NOT_DELETED -> Problem.response(StatusCodes.CONFLICT, rejected.message());
      case VERSION_MISMATCH -> Problem.response(StatusCodes.PRECONDITION_FAILED, rejected.message());
      case INVALID -> Problem.response(StatusCodes.BAD_REQUEST, rejected.message());
    };
  }
}
