package io.tablecast.user;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Reply;
import io.tablecast.http.Problem;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Authentication and authorization for routes. Every route that needs a user wraps itself in one
 * of these directives:
 *
 * <pre>{@code
 * Auth auth = Auth.get(system);
 * auth.authenticated(principal -> ...)                    // any active user with a valid token
 * auth.requireRole(Role.ADMIN, principal -> ...)          // that user must have the role
 * auth.requireAnyRole(Set.of(Role.ADMIN, Role.EDITOR), principal -> ...)
 * }</pre>
 *
 * A request without {@code Authorization: Bearer <token>}, or with a token that is malformed,
 * expired, unsigned ({@code alg: none}), signed with another key or another algorithm, or that
 * names a user who is deleted or deactivated, or was issued before the user's password changed, a
 * role was taken away or the user was deactivated (the token's credentials version is below the
 * user's), gets 401; a user without the role gets 403; both as problem+json. Roles, activity and
 * the credentials version are read from the User aggregate on every request, on whichever node,
 * so such a change takes effect at once everywhere, not when the token expires.
 */
public final class Auth extends AllDirectives implements Extension {
  private static final ExtensionId<Auth> ID =
      new ExtensionId<>() {
        @Override
        public Auth createExtension(ActorSystem<?> system) {
          Settings settings = Settings.from(system.settings().config());
          return new Auth(system, Tokens.from(settings), settings.http().askTimeout());
        }
      };

  private final ClusterSharding sharding;
  private final Tokens tokens;
  private final Duration askTimeout;

  private Auth(ActorSystem<?> system, Tokens tokens, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.tokens = tokens;
    this.askTimeout = askTimeout;
  }

  public static Auth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Issues and verifies the access tokens this node accepts. */
  public Tokens tokens() {
    return tokens;
  }

  /** The inner route runs for an active user with a valid token; anything else is 401. */
  public Route authenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      Optional<Tokens.Claims> claims = header.flatMap(Auth::bearerToken).flatMap(tokens::verify);
      if (claims.isEmpty()) {
        return complete(unauthorized(header.isEmpty()
            ? "this request needs an access token: Authorization: Bearer <token> (POST /api/auth/token)"
            : "the access token is invalid or expired"));
      }
      return onSuccess(principal(claims.get()), principal -> principal
          .map(inner)
          .orElseGet(() -> complete(unauthorized("the token's user is deleted or deactivated, or has changed their password or"
              + " lost a role since it was issued: log in again"))));
    });
  }

  /** Like {@link #authenticated}, and the user must have {@code role} (else 403). */
  public Route requireRole(Role role, Function<Principal, Route> inner) {
    return requireAnyRole(EnumSet.of(role), inner);
  }

  /** Like {@link #authenticated}, and the user must have one of {@code roles} (else 403). */
  public Route requireAnyRole(Set<Role> roles, Function<Principal, Route> inner) {
    return authenticated(principal -> roles.stream().anyMatch(principal::has)
        ? inner.apply(principal)
        : complete(forbidden("this needs the role " + roles.stream().map(Role::label).sorted()
            .collect(Collectors.joining(" or ")))));
  }

  public static HttpResponse forbidden(String detail) {
    return Problem.response(StatusCodes.FORBIDDEN, detail);
  }

  public static HttpResponse unauthorized(String detail) {
    return Problem.response(StatusCodes.UNAUTHORIZED, detail)
        .addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("tablecast")));
  }

  /** The token's user, if they may act and the token was issued at or after their credentials version. */
  private CompletionStage<Optional<Principal>> principal(Tokens.Claims claims) {
    return sharding.entityRefFor(User.ENTITY_TYPE_KEY, claims.userId().toString())
        .<Reply<User.State>>ask(reply -> new User.Get(Actor.SYSTEM, reply), askTimeout)
        .thenApply(reply -> reply instanceof User.Accepted accepted && accepted.state().canAct()
                && claims.credentialsVersion() >= accepted.state().credentialsVersion()
            ? Optional.of(principalOf(accepted.state()))
            : Optional.empty());
  }

  static Principal principalOf(User.State user) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    user.roles().forEach(label -> Role.parse(label).ifPresent(roles::add));
    return new Principal(user.id(), user.email(), roles);
  }

  /**
   * The token of {@code Bearer <token>} (scheme case-insensitive, any whitespace around and
   * between the two); empty for any other form. Parsed by hand, since it runs on every request:
   * a regular expression split showed in the service's profile.
   */
  static Optional<String> bearerToken(String header) {
    String h = header.trim();
    int gap = 0;
    while (gap < h.length() && !isSpace(h.charAt(gap))) {
      gap++;
    }
    int token = gap;
    while (token < h.length() && isSpace(h.charAt(token))) {
      token++;
    }
    if (gap != "Bearer".length() || token == gap || !h.regionMatches(true, 0, "Bearer", 0, gap)) {
      return Optional.empty();
    }
    for (int i = token; i < h.length(); i++) {
      if (isSpace(h.charAt(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(h.substring(token));
  }

  /** What a regular expression's {@code \s} matches. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }
}
