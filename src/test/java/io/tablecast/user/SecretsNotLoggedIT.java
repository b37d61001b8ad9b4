package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passwords and access tokens never reach the logs, at any level: not on registration, login
 * (right or wrong), use of a token (valid or forged), nor a password change (confirmed by a right or
 * a wrong current password).
 */
class SecretsNotLoggedIT {
  private static final String PASSWORD = "first-secret-Pa55word";
  private static final String NEW_PASSWORD = "second-secret-Pa55word";
  private static final String WRONG_PASSWORD = "wrong-secret-Pa55word";

  @TempDir Path dataDir;

  @Test
  void passwordsAndTokensAreNeverLogged() throws Exception {
    String token;
    String logged;
    try (CapturedLogs logs = CapturedLogs.at(Level.DEBUG);
        TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of()))) {
      Api api = node.api;
      String email = Users.uniqueEmail("secret");
      Api.Response registered = api.post("/api/users",
          "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"full_name\":\"Sec Ret\"}");
      assertEquals(201, registered.status(), registered.toString());
      String id = registered.json().get("id").asText();
      assertEquals(401, api.post("/api/auth/token",
          "{\"email\":\"" + email + "\",\"password\":\"" + WRONG_PASSWORD + "\"}").status());
      token = Users.token(api, email, PASSWORD);
      Api user = api.withToken(token);
      assertEquals(200, user.get("/api/users/me").status());
      assertEquals(401, api.withAuthorization("Bearer " + token + "x").get("/api/users/me").status(), "a tampered token");
      assertEquals(403, user.patch("/api/users/" + id,
          "{\"password\":\"" + NEW_PASSWORD + "\",\"current_password\":\"" + WRONG_PASSWORD + "\"}").status());
      assertEquals(200, user.patch("/api/users/" + id,
          "{\"password\":\"" + NEW_PASSWORD + "\",\"current_password\":\"" + PASSWORD + "\"}").status());
      assertEquals(200, api.post("/api/auth/token",
          "{\"email\":\"" + email + "\",\"password\":\"" + NEW_PASSWORD + "\"}").status());
      logged = logs.text();
    }
    assertTrue(logged.length() > 1000, "DEBUG logging was captured: " + logged.length() + " characters");
    for (String secret : new String[] {PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, token, Users.ADMIN_PASSWORD, Users.TOKEN_SECRET}) {
      assertFalse(logged.contains(secret), "a secret reached the logs: " + secret.substring(0, 6) + "...");
    }
    // The token's signature alone must not leak either (a header.payload prefix could be logged harmlessly).
    assertFalse(logged.contains(token.substring(token.lastIndexOf('.') + 1)), "a token signature reached the logs");
  }
}
