package io.tablecast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answers of authentication, to the byte, on the routes of every feature and the admin API:
 * no token, a header that is not a Bearer token, a token that does not verify, a token whose user
 * may no longer act (401 with the OAuth 2 challenge), and a user without the role (403).
 */
class AuthenticationIT {
  private static final String CHALLENGE = "Bearer realm=\"tablecast\"";
  private static final String NO_TOKEN =
      "this request needs an access token: Authorization: Bearer <token> (POST /api/auth/token)";
  private static final String INVALID = "the access token is invalid or expired";
  private static final String REVOKED = "the token's user is deleted or deactivated, or has changed their password or"
      + " lost a role since it was issued: log in again";
  /** A route of each feature that needs a user, and of the admin API. */
  private static final List<String> GUARDED =
      List.of("/api/items", "/api/categories", "/api/users/me", "/api/users/" + UUID.randomUUID() + "/profile",
          "/admin/projections");

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    api = node.api;
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void withoutAUsableTokenEveryGuardedRouteAnswers401WithTheChallenge() {
    for (String path : GUARDED) {
      assertUnauthorized(api.get(path), NO_TOKEN, path + " without a header");
      for (String header : List.of("Basic dXNlcjpwYXNz", "Bearer", "Bearer a b")) {
        assertUnauthorized(api.withAuthorization(header).get(path), INVALID, path + " with " + header);
      }
      assertUnauthorized(api.withToken("not.a.token").get(path), INVALID, path + " with a token that does not verify");
    }
  }

  @Test
  void aTokenOfADeactivatedUserIsRevokedAtOnce() {
    String email = Users.uniqueEmail("deactivated");
    String id = Users.register(api, email).get("id").asText();
    Api user = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertEquals(200, user.get("/api/items").status(), "the token works before");

    Api.Response deactivated = node.admin().patch("/api/users/" + id, "{\"is_active\":false}");
    assertEquals(200, deactivated.status(), deactivated.toString());
    for (String path : GUARDED) {
      assertUnauthorized(user.get(path), REVOKED, path + " after the user was deactivated");
    }
  }

  @Test
  void aUserWithoutTheRoleGets403NamingIt() {
    Api user = Users.newUser(api, "plain");
    assertForbidden(user.get("/api/users"), "this needs the role admin");
    assertForbidden(user.get("/admin/projections"), "this needs the role admin");
    assertForbidden(user.post("/api/categories", "{\"name\":\"n\"}"), "this needs the role admin or editor");
    assertEquals(200, node.admin().get("/admin/projections").status(), "the admin has the role");
  }

  private static void assertUnauthorized(Api.Response r, String detail, String what) {
    assertEquals(401, r.status(), what + ": " + r);
    assertEquals("application/problem+json", r.contentType(), what);
    assertEquals("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"" + detail + "\"}",
        r.raw().body(), what);
    assertEquals(List.of(CHALLENGE), r.raw().headers().allValues("WWW-Authenticate"), what);
  }

  private static void assertForbidden(Api.Response r, String detail) {
    assertEquals(403, r.status(), r.toString());
    assertEquals("application/problem+json", r.contentType());
    assertEquals("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"" + detail + "\"}",
        r.raw().body());
    assertEquals(List.of(), r.raw().headers().allValues("WWW-Authenticate"), "a 403 has no challenge");
  }
}
