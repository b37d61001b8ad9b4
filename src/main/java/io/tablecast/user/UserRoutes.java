package io.tablecast.user;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RemoteAddress;
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
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.aggregate.Role;
import io.tablecast.http.ApiDirectives;
import io.tablecast.http.Authentication;
import io.tablecast.http.Blocking;
import io.tablecast.http.Json;
import io.tablecast.http.Replies;
import io.tablecast.http.ListParams;
import io.tablecast.http.Principal;
import io.tablecast.http.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** /api/users and /api/auth/token. */
public final class UserRoutes extends ApiDirectives {
  /** A user changes their full name and password; an admin also activity and roles (the User aggregate decides). */
  private static final Set<String> FIELDS = Set.of("full_name", "password", "current_password", "is_active", "roles");
  /** Not a change: what confirms a change of one's own password. */
  private static final String CURRENT_PASSWORD = "current_password";

  /** Jackson 2.13 cannot bind a renamed record component through the naming strategy alone. */
  public record NewUser(String email, String password, @JsonProperty("full_name") String fullName) {}

  public record Credentials(String email, String password) {}

  public record Token(String accessToken, String tokenType, long expiresIn) {}

  private final Settings settings;
  private final Authentication auth;
  private final Tokens tokens;
  private final Accounts accounts;
  private final UserQueries queries;
  private final Blocking blocking;
  private final LoginThrottle throttle;
  private final ClientBudget budget;

  public UserRoutes(akka.actor.typed.ActorSystem<?> system, Settings settings, Authentication auth, Tokens tokens,
      Accounts accounts, UserQueries queries) {
    this.settings = settings;
    this.auth = auth;
    this.tokens = tokens;
    this.accounts = accounts;
    this.queries = queries;
    this.blocking = new Blocking(system);
    Settings.Auth a = settings.auth();
    this.throttle = new LoginThrottle(a.maxFailedLogins(), a.failedLoginWindow(), a.failedLoginsTracked());
    this.budget = new ClientBudget(a.clientBudget());
  }

  public Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("auth").slash("token"), () -> post(() -> client(client ->
            entity(Json.body(Credentials.class), body -> token(body, client))))),
        pathPrefix("users", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                post(() -> client(client -> entity(Json.body(NewUser.class), body -> register(body, client)))),
                get(() -> auth.requireRole(Role.ADMIN, admin -> parameterMap(this::list))))),
            path("me", () -> get(() -> auth.authenticated(me ->
                respond(accounts.get(me.userId(), me.actor()), StatusCodes.OK)))),
            pathPrefix(PathMatchers.segment(), text -> uuid(text, "user", this::user))))));
  }

  /** Authenticated on its own paths only: a path below a user's (their profile) is another feature's route. */
  private Route user(UUID id) {
    return concat(
        pathEndOrSingleSlash(() -> auth.authenticated(principal -> concat(
            get(() -> parameterMap(query -> find(principal, id, query))),
            // Refused before the body is read, and before any password is hashed for it.
            patch(() -> principal.is(id) || principal.isAdmin()
                ? client(client -> ifMatch(version -> entity(Json.body(JsonNode.class),
                    body -> update(principal, id, body, version, client))))
                : forbidden()),
            delete(() -> ifMatch(version -> requestId(request ->
                respond(accounts.delete(id, principal.actor(), version, request), StatusCodes.OK))))))),
        path("restore", () -> auth.authenticated(principal -> post(() -> ifMatch(version -> requestId(request ->
            respond(accounts.restore(id, principal.actor(), version, request), StatusCodes.OK)))))));
  }

  private Route forbidden() {
    return complete(Authentication.forbidden("only the user themself or an admin may do this"));
  }

  /**
   * The client of a request, as the per-client budget and the login throttle count it: the
   * connection's remote address. Not Akka's extractClientIP, which prefers X-Forwarded-For and
   * X-Real-IP: any client can send those, and would pick a fresh budget with each request.
   */
  private Route client(Function<String, Route> inner) {
    return extractRequest(request -> inner.apply(ClientBudget.clientOf(
        request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress))));
  }

  /** {@code hashing} (a request that hashes a password) if the client's budget allows one more; else 429. */
  private Route withinBudget(String client, Supplier<Route> hashing) {
    Optional<Duration> wait = budget.spend(client);
    return wait.isPresent()
        ? complete(tooManyRequests("too many logins, registrations or password changes from this client", wait.get()))
        : hashing.get();
  }

  private static HttpResponse tooManyRequests(String why, Duration wait) {
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return Problem.response(StatusCodes.TOO_MANY_REQUESTS, why + "; retry in " + seconds + " s")
        .addHeader(RetryAfter.create(seconds));
  }

  private Route register(NewUser body, String client) {
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
    return withinBudget(client, () -> requestId(request -> respond(
        accounts.register(email, body.password(), body.fullName(), List.of(Role.USER.label()), request), StatusCodes.CREATED)));
  }

  private Route token(Credentials body, String client) {
    String email = User.normalizeEmail(body.email());
    if (email == null || body.password() == null) {
      List<FieldError> errors = new ArrayList<>();
      if (email == null) errors.add(new FieldError("email", "is required"));
      if (body.password() == null) errors.add(new FieldError("password", "is required"));
      return invalid(errors);
    }
    Optional<Duration> wait = throttle.retryAfter(email, client, Instant.now());
    if (wait.isPresent()) {
      return complete(tooManyRequests("too many failed logins for this email from this client", wait.get()));
    }
    return withinBudget(client, () -> completeWithFuture(accounts.login(email, body.password()).thenApply(login -> {
      if (login instanceof Accounts.LoggedIn in) {
        throttle.succeeded(email, client);
        return Json.response(StatusCodes.OK,
            new Token(tokens.issue(in.user().id(), in.user().credentialsVersion()), "Bearer", tokens.ttl().toSeconds()));
      }
      throttle.failed(email, client, Instant.now());
      return Authentication.unauthorized("wrong email or password");
    })));
  }

  private Route find(Principal principal, UUID id, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return completeWithFuture(accounts.get(id, principal.actor()).thenCompose(reply -> {
      if (reply instanceof User.Accepted a && a.state().deleted() && !(includeDeleted && principal.isAdmin())) {
        return CompletableFuture.completedFuture(Problem.response(StatusCodes.NOT_FOUND, "user " + id + " is deleted"));
      }
      return answer(reply, StatusCodes.OK);
    }));
  }

  private Route update(Principal principal, UUID id, JsonNode body, Long version, String client) {
    return fields(body, FIELDS, fields -> {
      String fullName = fields.text("full_name");
      String password = fields.text("password");
      String currentPassword = fields.text(CURRENT_PASSWORD);
      Boolean active = fields.bool("is_active");
      List<String> roles = fields.strings("roles");
      if (roles != null && roles.isEmpty()) {
        fields.check(List.of(new FieldError("roles", "must be a non-empty list of user, editor, admin")));
      }
      fields.check(User.validateRoles(roles));
      fields.check(User.validateFullName(fullName));
      if (password != null) {
        fields.check(User.validatePassword(password));
      }
      // One's own password changes only with the current one (a stolen token is not enough); an
      // admin resetting somebody else's does not know theirs.
      boolean ownPassword = password != null && principal.is(id);
      if (fields.has(CURRENT_PASSWORD) && !fields.has("password")) {
        fields.check(List.of(new FieldError(CURRENT_PASSWORD, "goes only with password, to confirm a change of one's own password")));
      } else if (ownPassword && !fields.has(CURRENT_PASSWORD)) {
        fields.check(List.of(new FieldError(CURRENT_PASSWORD, "is required to change one's own password")));
      }
      User.Changes changes = new User.Changes(fullName, null, active, roles);
      return whenValid(fields, () -> {
        if (password == null) {
          return requestId(request ->
              respond(accounts.update(id, principal.actor(), changes, null, null, version, request), StatusCodes.OK));
        }
        if (!ownPassword) {
          return withinBudget(client, () -> requestId(request -> respond(
              accounts.update(id, principal.actor(), changes, password, null, version, request), StatusCodes.OK)));
        }
        return changeOwnPassword(principal, client, request ->
            accounts.update(id, principal.actor(), changes, password, currentPassword, version, request));
      });
    });
  }

  /**
   * A change of one's own password, confirmed by the current password: a wrong one counts as a
   * failed login of that user from that client, so a stolen token cannot be used to guess it
   * faster than a login could.
   */
  private Route changeOwnPassword(
      Principal principal, String client, Function<String, CompletionStage<Reply<User.State>>> change) {
    Optional<Duration> wait = throttle.retryAfter(principal.email(), client, Instant.now());
    if (wait.isPresent()) {
      return complete(tooManyRequests("too many wrong passwords for this user from this client", wait.get()));
    }
    return withinBudget(client, () -> requestId(request -> completeWithFuture(change.apply(request).thenCompose(reply -> {
      if (reply instanceof Reply.Rejected<User.State> r && r.reason() == Rejection.WRONG_PASSWORD) {
        throttle.failed(principal.email(), client, Instant.now());
      } else if (reply instanceof User.Accepted) {
        throttle.succeeded(principal.email(), client);
      }
      return answer(reply, StatusCodes.OK);
    }))));
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

  private Route respond(CompletionStage<Reply<User.State>> reply, StatusCode success) {
    return completeWithFuture(reply.thenCompose(r -> answer(r, success)));
  }

  /** The user with their profile: one query, none for a deleted user (whose profile is never shown). */
  private CompletionStage<HttpResponse> answer(Reply<User.State> reply, StatusCode success) {
    CompletionStage<Optional<UserView.Profile>> profile = reply instanceof User.Accepted a && !a.state().deleted()
        ? blocking.run(() -> queries.profile(a.state().id()))
        : CompletableFuture.completedFuture(Optional.empty());
    return profile.thenApply(p -> Replies.toResponse(reply, user ->
        withETag(Json.response(success, UserView.of(user, p.orElse(null))), user.version())
            .addHeader(Location.create("/api/users/" + user.id()))));
  }
}
