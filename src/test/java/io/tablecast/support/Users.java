package io.tablecast.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Registering users and logging in through the HTTP API, for tests that need someone to act as. */
public final class Users {
  public static final String PASSWORD = "correct horse battery";
  /** The bootstrap admin of test nodes that set {@link #ADMIN_CONFIG}. */
  public static final String ADMIN_EMAIL = "admin@tablecast.test";
  public static final String ADMIN_PASSWORD = "admin-password-1";
  public static final String TOKEN_SECRET = "test-secret-test-secret-test-secret-0123";
  /** With a generous ask timeout: the tests share a loaded machine, and a 503 would fail a race's count. */
  public static final java.util.Map<String, Object> ADMIN_CONFIG = java.util.Map.of(
      "tablecast.auth.admin-email", ADMIN_EMAIL,
      "tablecast.auth.admin-password", ADMIN_PASSWORD,
      "tablecast.auth.token-secret", TOKEN_SECRET,
      "tablecast.http.ask-timeout", "10s");

  /** The same admin for a node started as a process (environment variables). */
  public static final java.util.Map<String, String> ADMIN_ENV = java.util.Map.of(
      "ADMIN_EMAIL", ADMIN_EMAIL, "ADMIN_PASSWORD", ADMIN_PASSWORD, "TOKEN_SECRET", TOKEN_SECRET);

  private Users() {}

  /** Node settings with the bootstrap admin of {@link #ADMIN_CONFIG} added. */
  public static java.util.Map<String, Object> withAdmin(java.util.Map<String, Object> settings) {
    java.util.Map<String, Object> all = new java.util.HashMap<>(settings);
    all.putAll(ADMIN_CONFIG);
    return all;
  }

  public static String uniqueEmail(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  public static JsonNode register(Api api, String email) {
    Api.Response r = api.post("/api/users",
        "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"full_name\":\"Test " + email + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json();
  }

  public static String token(Api api, String email, String password) {
    Api.Response r = api.post("/api/auth/token", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("access_token").asText();
  }

  /** A newly registered user (role user), as an API client that sends their token. */
  public static Api newUser(Api api, String prefix) {
    String email = uniqueEmail(prefix);
    register(api, email);
    return api.withToken(token(api, email, PASSWORD));
  }

  public static Api admin(Api api) {
    return api.withToken(token(api, ADMIN_EMAIL, ADMIN_PASSWORD));
  }

  /** A new user given the editor role by the admin. */
  public static Api newEditor(Api api, String prefix) {
    String email = uniqueEmail(prefix);
    String id = register(api, email).get("id").asText();
    Api.Response r = admin(api).patch("/api/users/" + id, "{\"roles\":[\"user\",\"editor\"]}");
    assertEquals(200, r.status(), r.toString());
    return api.withToken(token(api, email, PASSWORD));
  }

  public static String id(Api user) {
    return user.get("/api/users/me").json().get("id").asText();
  }
}
