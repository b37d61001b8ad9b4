package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tablecast.support.Api;
import io.tablecast.support.LoopbackClient;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each client (remote address) has a budget for the requests that hash a password — login,
 * registration, a password change: beyond it they get 429 with Retry-After, answered without
 * hashing, while other clients and requests that hash nothing are served as before.
 */
class ClientBudgetIT {
  private static final int BURST = 5;
  private static final int LOGINS = 160;
  private static final int PARALLEL = 16;

  @TempDir Path dataDir;

  @Test
  void aClientBeyondItsBudgetGets429WithoutHashingAndOthersAreServed() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.auth.client-budget.burst", BURST);
    // Nothing comes back to the budget while the test runs.
    config.put("tablecast.auth.client-budget.refill-interval", "1h");
    try (TestNode node = TestNode.start(dataDir, config)) {
      int port = node.node.httpAddress().getPort();
      // Someone to change the password of, registered and logged in from an address of its own.
      LoopbackClient owner = LoopbackClient.at("127.0.0.4", port);
      String email = Users.uniqueEmail("budget");
      String body = "{\"email\":\"" + email + "\",\"password\":\"" + Users.PASSWORD + "\"";
      assertEquals(201, owner.post("/api/users", body + ",\"full_name\":\"B\"}").status());
      String token = owner.post("/api/auth/token", body + "}").json().get("access_token").asText();

      List<Integer> statuses = loginsForMadeUpEmails(node.api);
      long answered = statuses.stream().filter(s -> s == 401).count();
      long refused = statuses.stream().filter(s -> s == 429).count();
      assertEquals(BURST, answered, "logins answered within the budget: " + statuses);
      assertEquals(LOGINS - BURST, refused, "the rest refused: " + statuses);

      Api.Response over = node.api.post("/api/auth/token", "{\"email\":\"x@example.com\",\"password\":\"whatever-it-is\"}");
      assertEquals(429, over.status(), over.toString());
      assertEquals("application/problem+json", over.contentType());
      long retryAfter = Long.parseLong(over.header("Retry-After"));
      assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After: " + retryAfter);
      assertEquals(429, node.api.post("/api/users",
          "{\"email\":\"" + Users.uniqueEmail("late") + "\",\"password\":\"" + Users.PASSWORD + "\",\"full_name\":\"L\"}").status(),
          "registration is on the same budget");
      Api asOwner = node.api.withToken(token);
      String id = asOwner.get("/api/users/me").json().get("id").asText();
      assertEquals(429, asOwner.patch("/api/users/" + id,
          "{\"password\":\"another-password\",\"current_password\":\"" + Users.PASSWORD + "\"}").status(),
          "so is a password change");
      assertEquals(200, asOwner.patch("/api/users/" + id, "{\"full_name\":\"Renamed\"}").status(),
          "a change that hashes nothing is not");

      LoopbackClient other = LoopbackClient.at("127.0.0.3", port);
      assertEquals(401, other.post("/api/auth/token", "{\"email\":\"y@example.com\",\"password\":\"whatever-it-is\"}").status(),
          "another client has a budget of its own");
      assertEquals(200, owner.post("/api/auth/token", body + "}").status(), "so has the owner");
    }
  }

  private static List<Integer> loginsForMadeUpEmails(Api api) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < LOGINS; i++) {
        String email = Users.uniqueEmail("made-up");
        calls.add(() -> api.post("/api/auth/token", "{\"email\":\"" + email + "\",\"password\":\"whatever-it-is\"}").status());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }
}
