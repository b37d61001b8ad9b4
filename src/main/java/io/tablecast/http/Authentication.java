package io.tablecast.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.tablecast.aggregate.Role;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Authentication and authorization for routes. Every route that needs a user wraps itself in one
 * of these directives (one instance per node: {@code Node.authentication()}):
 *
 * <pre>{@code
 * auth.authenticated(principal -> ...)                    // any active user with a valid token
 * auth.requireRole(Role.ADMIN, principal -> ...)          // that user must have the role
 * auth.requireAnyRole(Set.of(Role.ADMIN, Role.EDITOR), principal -> ...)
 * }</pre>
 *
 * A request without {@code Authorization: Bearer <token>}, or with a token that is malformed,
 * expired, unsigned ({@code alg: none}), signed with another key or another algorithm, or that
 * names a user who is deleted or deactivated, or was issued before the user's password changed, a
 * role was taken away or the user was deactivated, gets 401; a user without the role gets 403;
 * both as problem+json. Which tokens are valid and who may act is the {@link Authenticator}'s
 * answer, asked on every request, so such a change takes effect at once, not when the token expires.
 */
public final class Authentication extends AllDirectives {
  private static final String NO_TOKEN =
      "this request needs an access token: Authorization: Bearer <token> (POST /api/auth/token)";
  private static final String INVALID = "the access token is invalid or expired";
  private static final String REVOKED = "the token's user is deleted or deactivated, or has changed their password or"
      + " lost a role since it was issued: log in again";

  private final Authenticator authenticator;

  public Authentication(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** The inner route runs for an active user with a valid token; anything else is 401. */
  public Route authenticated(Function<Principal, Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      if (header.isEmpty()) {
        return complete(unauthorized(NO_TOKEN));
      }
      Optional<String> token = bearerToken(header.get());
      if (token.isEmpty()) {
        return complete(unauthorized(INVALID));
      }
      return onSuccess(authenticator.authenticate(token.get()), outcome -> {
        if (outcome instanceof Authenticator.Authenticated authenticated) {
          return inner.apply(authenticated.principal());
        }
        return complete(unauthorized(outcome == Authenticator.Refused.INVALID ? INVALID : REVOKED));
      });
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
