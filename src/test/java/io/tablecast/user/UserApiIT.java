package io.tablecast.user;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.LoopbackClient;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration, login, tokens, roles and the users read tables, over HTTP on a real node. */
class UserApiIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(15);
  private static final Duration CLAIM_LEASE = Duration.ofSeconds(2);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    java.util.Map<String, Object> config = new java.util.HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.uniqueness.claim-lease", CLAIM_LEASE.toMillis() + "ms");
    // Every test here is the one client 127.0.0.1; the budget of one client has a test of its own (ClientBudgetIT).
    config.put("tablecast.auth.client-budget.burst", 10_000);
    node = TestNode.start(dataDir, config);
    api = node.api;
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Api.Response register(String email, String password) {
    return api.post("/api/users", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"full_name\":\"Ann\"}");
  }

  private static Api.Response login(String email, String password) {
    return api.post("/api/auth/token", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  void registrationNormalizesTheEmailAndNeverShowsTheHash() throws Exception {
    String email = Users.uniqueEmail("ann");
    Api.Response r = register("  " + email.toUpperCase() + " ", Users.PASSWORD);
    assertEquals(201, r.status(), r.toString());
    JsonNode user = r.json();
    assertEquals(email, user.get("email").asText());
    assertEquals("Ann", user.get("full_name").asText());
    assertEquals(7, UUID.fromString(user.get("id").asText()).version(), "a time-ordered id");
    assertEquals("[\"user\"]", user.get("roles").toString());
    assertTrue(user.get("is_active").asBoolean());
    assertFalse(r.raw().body().contains("argon2"), r.toString());
    assertNull(user.get("password"));
    assertNull(user.get("password_hash"));

    String events = journalText("User|" + user.get("id").asText());
    assertTrue(events.contains("$argon2id$"), "the event holds an Argon2id hash");
    assertFalse(events.contains(Users.PASSWORD), "never the password itself");

    assertEquals(409, register(email, Users.PASSWORD).status(), "the same email again");
    assertEquals(409, register(" " + email.toUpperCase(), "another-password").status(), "differently written");
  }

  @Test
  void badRegistrationsAreValidationProblems() {
    assertField(register("not-an-email", Users.PASSWORD), "email");
    assertField(register(Users.uniqueEmail("short"), "123456789"), "password");
    assertField(api.post("/api/users", "{\"email\":\"" + Users.uniqueEmail("x") + "\",\"password\":\"" + Users.PASSWORD + "\"}"),
        "full_name");
    assertEquals(400, api.post("/api/users", "{\"email\":42}").status());
    assertEquals(400, api.post("/api/users", "{\"email\":\"a@b.cd\",\"password\":\"" + Users.PASSWORD
        + "\",\"full_name\":\"x\",\"roles\":[\"admin\"]}").status(), "nobody registers themselves as admin");
  }

  @Test
  void aTokenOpensTheApiAndWrongCredentialsGetTheSame401() {
    String email = Users.uniqueEmail("bob");
    Users.register(api, email);
    Api.Response ok = login(email, Users.PASSWORD);
    assertEquals(200, ok.status(), ok.toString());
    assertEquals("Bearer", ok.json().get("token_type").asText());
    assertEquals(3600, ok.json().get("expires_in").asLong());
    Api bob = api.withToken(ok.json().get("access_token").asText());
    Api.Response me = bob.get("/api/users/me");
    assertEquals(200, me.status(), me.toString());
    assertEquals(email, me.json().get("email").asText());

    Api.Response wrongPassword = login(email, "wrong-password-123");
    Api.Response unknownEmail = login(Users.uniqueEmail("nobody"), Users.PASSWORD);
    assertEquals(401, wrongPassword.status());
    assertEquals(401, unknownEmail.status());
    assertEquals(wrongPassword.json(), unknownEmail.json(), "nothing tells which of the two was wrong");
    assertEquals("application/problem+json", wrongPassword.contentType());
  }

  @Test
  void missingBadExpiredAndForgedTokensGet401() throws Exception {
    String email = Users.uniqueEmail("tok");
    String id = Users.register(api, email).get("id").asText();
    String good = Users.token(api, email, Users.PASSWORD);
    String[] parts = good.split("\\.");
    String noneHeader = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    Duration skew = Duration.ofSeconds(30);
    String wrongKey = new Tokens("another-secret-another-secret-another!!".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1), skew)
        .issue(UUID.fromString(id), 0);
    String expired = new Tokens(Users.TOKEN_SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(-5), skew)
        .issue(UUID.fromString(id), 0);
    String tampered = parts[0] + "." + b64("{\"iss\":\"tablecast\",\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":9999999999}")
        + "." + parts[2];
    List<String> headers = new ArrayList<>();
    headers.add(null);
    headers.add("Bearer");
    headers.add("Bearer garbage");
    headers.add("Basic " + b64("a:b"));
    headers.add("Bearer " + noneHeader + "." + parts[1] + ".");
    headers.add("Bearer " + wrongKey);
    headers.add("Bearer " + expired);
    headers.add("Bearer " + tampered);
    for (String header : headers) {
      Api.Response r = api.withAuthorization(header).get("/api/users/me");
      assertEquals(401, r.status(), header + " → " + r);
      assertEquals("application/problem+json", r.contentType());
      assertNotNull(r.header("WWW-Authenticate"));
    }
    assertEquals(200, api.withToken(good).get("/api/users/me").status(), "the genuine token works");
  }

  @Test
  void repeatedFailuresForOneEmailAreThrottled() {
    String email = Users.uniqueEmail("throttled");
    Users.register(api, email);
    for (int i = 0; i < 5; i++) {
      assertEquals(401, login(email, "wrong-password-" + i).status());
    }
    Api.Response blocked = login(email, Users.PASSWORD);
    assertEquals(429, blocked.status(), "even the right password waits: " + blocked);
    assertTrue(Long.parseLong(blocked.header("Retry-After")) >= 1);
    assertEquals("application/problem+json", blocked.contentType());
    String other = Users.uniqueEmail("unthrottled");
    Users.register(api, other);
    assertEquals(200, login(other, Users.PASSWORD).status(), "other emails are not affected");
  }

  @Test
  void rolesDecideWhoMayListAndChangeUsers() {
    Api user = Users.newUser(api, "plain");
    Api other = Users.newUser(api, "other");
    Api admin = Users.admin(api);
    String userId = Users.id(user);
    String otherId = Users.id(other);

    assertEquals(403, user.get("/api/users").status());
    assertEquals(401, api.get("/api/users").status());
    assertEquals(200, admin.get("/api/users").status());
    assertEquals(403, user.get("/api/users/" + otherId).status());
    assertEquals(200, user.get("/api/users/" + userId).status());
    assertEquals(200, admin.get("/api/users/" + userId).status());
    assertEquals(403, user.patch("/api/users/" + otherId, "{\"full_name\":\"Hacked\"}").status());
    assertEquals(403, user.patch("/api/users/" + userId, "{\"roles\":[\"admin\"]}").status(), "no self-promotion");
    assertEquals(403, user.patch("/api/users/" + userId, "{\"is_active\":true}").status());
    assertEquals(403, user.delete("/api/users/" + otherId).status());
    assertEquals(403, user.post("/api/users/" + userId + "/restore", "").status());

    Api.Response renamed = user.patch("/api/users/" + userId, "{\"full_name\":\"Renamed\"}");
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals("Renamed", renamed.json().get("full_name").asText());
    Api.Response promoted = admin.patch("/api/users/" + userId, "{\"roles\":[\"editor\",\"user\"]}");
    assertEquals("[\"editor\",\"user\"]", promoted.json().get("roles").toString());
    assertEquals("[\"editor\",\"user\"]", user.get("/api/users/me").json().get("roles").toString(),
        "the role applies at once, with the token already issued");
    assertField(admin.patch("/api/users/" + userId, "{\"roles\":[\"root\"]}"), "roles");
    assertEquals(412, admin.patch("/api/users/" + userId, "{\"full_name\":\"X\"}", java.util.Map.of("If-Match", "\"1\"")).status());
  }

  @Test
  void aPasswordChangeTakesEffectForLogin() {
    String email = Users.uniqueEmail("pw");
    Users.register(api, email);
    Api me = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertField(me.patch("/api/users/" + Users.id(me), "{\"password\":\"short\"}"), "password");
    assertEquals(200, me.patch("/api/users/" + Users.id(me),
        "{\"password\":\"a-new-password\",\"current_password\":\"" + Users.PASSWORD + "\"}").status());
    assertEquals(401, login(email, Users.PASSWORD).status());
    assertEquals(200, login(email, "a-new-password").status());
  }

  @Test
  void changingOnesOwnPasswordNeedsTheCurrentOne() {
    String email = Users.uniqueEmail("current");
    String id = Users.register(api, email).get("id").asText();
    Api me = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertField(me.patch("/api/users/" + id, "{\"password\":\"a-new-password\"}"), "current_password");
    assertField(me.patch("/api/users/" + id, "{\"password\":\"a-new-password\",\"current_password\":7}"), "current_password");
    assertField(me.patch("/api/users/" + id, "{\"full_name\":\"A\",\"current_password\":\"" + Users.PASSWORD + "\"}"),
        "current_password");
    Api.Response wrong = me.patch("/api/users/" + id,
        "{\"password\":\"a-new-password\",\"current_password\":\"not-the-password\"}");
    assertEquals(403, wrong.status(), wrong.toString());
    assertEquals("application/problem+json", wrong.contentType());
    assertEquals(200, login(email, Users.PASSWORD).status(), "no attempt so far changed the password");

    Api.Response right = me.patch("/api/users/" + id,
        "{\"password\":\"a-new-password\",\"current_password\":\"" + Users.PASSWORD + "\"}");
    assertEquals(200, right.status(), right.toString());
    assertEquals(200, login(email, "a-new-password").status());

    // An admin resets another user's password without knowing it...
    Api admin = Users.admin(api);
    assertEquals(200, admin.patch("/api/users/" + id, "{\"password\":\"reset-by-the-admin\"}").status());
    assertEquals(200, login(email, "reset-by-the-admin").status());
    // ...but changes their own like everybody else.
    String adminId = Users.id(admin);
    assertField(admin.patch("/api/users/" + adminId, "{\"password\":\"a-new-admin-password\"}"), "current_password");
    assertEquals(403, admin.patch("/api/users/" + adminId,
        "{\"password\":\"a-new-admin-password\",\"current_password\":\"not-the-admin-password\"}").status());
    assertEquals(200, login(Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD).status(), "the admin's password is unchanged");
  }

  @Test
  void aPasswordChangeEndsTheTokensIssuedBeforeIt() {
    String email = Users.uniqueEmail("rotated");
    String id = Users.register(api, email).get("id").asText();
    Api before = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertEquals(200, before.get("/api/users/me").status());
    assertEquals(200, before.patch("/api/users/" + id,
        "{\"password\":\"a-new-password\",\"current_password\":\"" + Users.PASSWORD + "\"}").status());
    Api.Response stale = before.get("/api/users/me");
    assertEquals(401, stale.status(), "a token issued before the password changed: " + stale);
    assertEquals("application/problem+json", stale.contentType());
    Api after = api.withToken(Users.token(api, email, "a-new-password"));
    assertEquals(200, after.get("/api/users/me").status(), "a token issued after it works");

    assertEquals(200, Users.admin(api).patch("/api/users/" + id, "{\"password\":\"reset-by-the-admin\"}").status());
    assertEquals(401, after.get("/api/users/me").status(), "an admin's reset ends them too");
    assertEquals(200, api.withToken(Users.token(api, email, "reset-by-the-admin")).get("/api/users/me").status());
  }

  @Test
  void removingARoleEndsTheTokensIssuedBeforeItAndAddingOneDoesNot() {
    Api admin = Users.admin(api);
    String email = Users.uniqueEmail("demoted");
    String id = Users.register(api, email).get("id").asText();
    Api user = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertEquals(200, admin.patch("/api/users/" + id, "{\"roles\":[\"editor\",\"user\"]}").status());
    assertEquals(200, user.get("/api/users/me").status(), "a role given keeps the token");
    assertEquals(200, admin.patch("/api/users/" + id, "{\"roles\":[\"user\"]}").status());
    Api.Response stale = user.get("/api/users/me");
    assertEquals(401, stale.status(), "a token issued before a role was taken away: " + stale);
    Api.Response fresh = api.withToken(Users.token(api, email, Users.PASSWORD)).get("/api/users/me");
    assertEquals(200, fresh.status(), fresh.toString());
    assertEquals("[\"user\"]", fresh.json().get("roles").toString());
  }

  /** The per-email throttle counts one client's failures: it cannot be used to lock somebody else out. */
  @Test
  void failedLoginsThrottleTheClientThatFailedNotTheAccount() {
    LoopbackClient guesser = LoopbackClient.at("127.0.0.2", node.node.httpAddress().getPort());
    String credentials = "{\"email\":\"" + Users.ADMIN_EMAIL + "\",\"password\":\"";
    for (int i = 0; i < 5; i++) {
      assertEquals(401, guesser.post("/api/auth/token", credentials + "wrong-guess-" + i + "\"}").status());
    }
    LoopbackClient.Response blocked = guesser.post("/api/auth/token", credentials + Users.ADMIN_PASSWORD + "\"}");
    assertEquals(429, blocked.status(), "the client that failed waits, even with the right password: " + blocked);
    assertTrue(Long.parseLong(blocked.header("Retry-After")) >= 1);
    assertEquals("application/problem+json", blocked.contentType());

    Api.Response owner = login(Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
    assertEquals(200, owner.status(), "the admin, from an address that has not failed, logs in: " + owner);
    assertEquals(429, guesser.post("/api/auth/token", credentials + Users.ADMIN_PASSWORD + "\"}").status(),
        "another client's success does not clear the guesser's failures");
  }

  @Test
  void deactivatedAndDeletedUsersCannotLogInOrUseTheirTokens() {
    Api admin = Users.admin(api);
    String email = Users.uniqueEmail("inactive");
    String id = Users.register(api, email).get("id").asText();
    Api user = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertEquals(200, admin.patch("/api/users/" + id, "{\"is_active\":false}").status());
    assertEquals(401, user.get("/api/users/me").status());
    assertEquals(401, login(email, Users.PASSWORD).status());
    assertEquals(200, admin.patch("/api/users/" + id, "{\"is_active\":true}").status());
    Api.Response revived = user.get("/api/users/me");
    assertEquals(401, revived.status(), "a token issued before the deactivation stays void after the reactivation: " + revived);
    Api again = api.withToken(Users.token(api, email, Users.PASSWORD));
    assertEquals(200, again.get("/api/users/me").status(), "a new login works");

    assertEquals(200, again.delete("/api/users/" + id).status(), "users may delete themselves");
    assertEquals(401, again.get("/api/users/me").status());
    assertEquals(401, login(email, Users.PASSWORD).status());
  }

  @Test
  void deletingAUserFreesTheEmailAndRestoringItThenConflicts() throws Exception {
    Api admin = Users.admin(api);
    String email = Users.uniqueEmail("reuse");
    String first = Users.register(api, email).get("id").asText();
    assertEquals(200, admin.delete("/api/users/" + first).status());
    assertEquals(404, admin.get("/api/users/" + first).status());
    assertEquals(200, admin.get("/api/users/" + first + "?include_deleted=true").status());

    String second = Users.register(api, email).get("id").asText();
    Api.Response restore = admin.post("/api/users/" + first + "/restore", "");
    assertEquals(409, restore.status(), restore.toString());
    assertTrue(restore.json().get("detail").asText().contains(email));

    assertEquals(200, admin.delete("/api/users/" + second).status());
    Api.Response restored = admin.post("/api/users/" + first + "/restore", "");
    assertEquals(200, restored.status(), restored.toString());
    assertEquals(200, login(email, Users.PASSWORD).status(), "the restored user logs in again");
    assertEquals(409, register(email, Users.PASSWORD).status(), "and holds the email again");

    // The read table agrees: exactly one live row for the email, two rows in all.
    eventually(CATCH_UP, () -> count("SELECT count(*) FROM read.users WHERE email = ? AND deleted_at IS NULL", email),
        n -> n == 1);
    eventually(CATCH_UP, () -> count("SELECT count(*) FROM read.users WHERE email = ?", email), n -> n == 2);
  }

  @Test
  void ofManyConcurrentRegistrationsOfOneEmailExactlyOneSucceeds() throws Exception {
    String email = Users.uniqueEmail("race");
    int n = 24;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String variant = i % 2 == 0 ? email : email.toUpperCase();
        calls.add(() -> register(variant, Users.PASSWORD + "-x").status());
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
      assertEquals(n - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    } finally {
      pool.shutdownNow();
    }
    eventually(CATCH_UP, () -> count("SELECT count(*) FROM read.users WHERE email = ?", email), c -> c == 1);
    Thread.sleep(300);
    assertEquals(1, count("SELECT count(*) FROM read.users WHERE email = ?", email));
  }

  @Test
  void anEmailReservedByARegistrationThatCrashedIsTakenOverAfterTheLease() throws Exception {
    String email = Users.uniqueEmail("crashed");
    UUID ghost = UUID.randomUUID();
    var sharding = akka.cluster.sharding.typed.javadsl.ClusterSharding.get(node.node.system());
    // A registration reserved the email and died before it registered the user.
    var claimed = sharding.entityRefFor(io.tablecast.unique.UniqueValue.ENTITY_TYPE_KEY, "email:" + email)
        .<io.tablecast.unique.UniqueValue.Reply>ask(r -> new io.tablecast.unique.UniqueValue.Claim(ghost, null, r), Duration.ofSeconds(10))
        .toCompletableFuture().get();
    assertTrue(claimed instanceof io.tablecast.unique.UniqueValue.Granted, claimed.toString());
    assertEquals(409, register(email, Users.PASSWORD).status(), "within the lease the reservation stands");

    Thread.sleep(CLAIM_LEASE.toMillis() + 300);
    Api.Response taken = register(email, Users.PASSWORD);
    assertEquals(201, taken.status(), "after the lease, a reservation whose owner never registered is taken over: " + taken);
    assertEquals(200, login(email, Users.PASSWORD).status());

    // The crashed registration cannot come back to life with the same email.
    io.tablecast.aggregate.Reply<User.State> late = sharding.entityRefFor(User.ENTITY_TYPE_KEY, ghost.toString())
        .<io.tablecast.aggregate.Reply<User.State>>ask(r -> new User.Register(email, "hash", "Ghost", List.of("user"), null, r), Duration.ofSeconds(10))
        .toCompletableFuture().get();
    assertEquals(io.tablecast.aggregate.Rejection.ALREADY_EXISTS, ((io.tablecast.aggregate.Reply.Rejected<User.State>) late).reason());
  }

  @Test
  void adminsListUsersWithFiltersPagingAndRolesFromTheReadTables() {
    Api admin = Users.admin(api);
    String tag = "list" + UUID.randomUUID().toString().substring(0, 6);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(Users.register(api, tag + i + "@example.com").get("id").asText());
    }
    admin.patch("/api/users/" + ids.get(1), "{\"roles\":[\"editor\"]}");
    admin.patch("/api/users/" + ids.get(2), "{\"is_active\":false}");
    JsonNode page = eventually(CATCH_UP, () -> admin.get("/api/users?email=" + tag + "&sort=email&limit=2"),
        r -> r.status() == 200 && r.json().get("total").asLong() == 3
            && r.json().get("data").get(1).get("roles").toString().equals("[\"editor\"]")).json();
    assertEquals(2, page.get("data").size());
    assertEquals(tag + "0@example.com", page.get("data").get(0).get("email").asText());
    assertEquals(1, admin.get("/api/users?email=" + tag + "&role=editor").json().get("total").asLong());
    JsonNode inactive = eventually(CATCH_UP, () -> admin.get("/api/users?email=" + tag + "&is_active=false"),
        r -> r.json().get("total").asLong() == 1).json();
    assertEquals(ids.get(2), inactive.get("data").get(0).get("id").asText());
    JsonNode admins = admin.get("/api/users?role=admin").json();
    assertEquals(1, admins.get("total").asLong(), "the bootstrap admin, once");
    assertEquals(Users.ADMIN_EMAIL, admins.get("data").get(0).get("email").asText());
    assertField(admin.get("/api/users?role=root"), "role");
    assertField(admin.get("/api/users?sort=password"), "sort");
    assertField(admin.get("/api/users?limit=501"), "limit");
  }

  private static void assertField(Api.Response r, String field) {
    assertEquals(400, r.status(), r.toString());
    assertEquals("application/problem+json", r.contentType());
    assertTrue(r.json().get("errors").toString().contains("\"" + field + "\""), r.toString());
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static long count(String sql, String email) {
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String journalText(String persistenceId) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT event_payload FROM journal.event_journal WHERE persistence_id = ? ORDER BY sequence_number")) {
      ps.setString(1, persistenceId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.append(new String(rs.getBytes(1), StandardCharsets.UTF_8));
        }
      }
    }
    return all.toString();
  }
}
