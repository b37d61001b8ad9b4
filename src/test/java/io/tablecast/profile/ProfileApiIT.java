package io.tablecast.profile;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.http.ListParams;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.user.UserQueries;
import io.tablecast.user.UserView;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles over HTTP on a real node: one per user, written by the user or an admin with If-Match,
 * validated field by field, embedded in the user's answers, one per user under concurrent PUTs on
 * two nodes, and deleted and restored with their user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfileApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CATCH_UP = Duration.ofSeconds(30);
  private static final String ADA =
      "{\"bio\":\"Mathematician\",\"website\":\"https://ada.example.com\",\"location\":\"London\","
          + "\"avatar_url\":\"https://ada.example.com/ada.png\"}";

  @TempDir static Path dataDir;
  @TempDir static Path secondDataDir;
  private static TestNode node;
  private static Api admin;
  private static DataSource database;

  @BeforeAll
  static void start() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    // Every request here comes from the one client 127.0.0.1, and many users register and log in.
    config.put("tablecast.auth.client-budget.burst", 10_000);
    node = TestNode.start(dataDir, config);
    admin = node.admin();
    database = node.node.database().dataSource();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A new user and their id. */
  private record Someone(Api api, String id) {
    String profile() {
      return "/api/users/" + id + "/profile";
    }
  }

  private static Someone someone(String prefix) {
    Api api = Users.newUser(node.api, prefix);
    return new Someone(api, Users.id(api));
  }

  private static JsonNode created(Someone user) {
    Api.Response r = user.api.put(user.profile(), ADA);
    assertEquals(201, r.status(), r.toString());
    return r.json();
  }

  /** The profile as the read table has it at {@code version}, read as another user. */
  private static JsonNode readBack(Someone user, long version, Api as) {
    return eventually(CATCH_UP, () -> as.get(user.profile() + "?min_version=" + version),
        r -> r.status() == 200 && r.json().get("version").asLong() == version).json();
  }

  private static long events(String userId, String type) {
    return Tables.count(database, "SELECT count(*) FROM journal.event_journal WHERE persistence_id = 'Profile|" + userId
        + "' AND event_ser_manifest = 'io.tablecast.profile.Profile$" + type + "'");
  }

  @Test
  void aPutCreatesThenReplacesAndAPatchChangesOnlyTheFieldsSent() {
    Someone ada = someone("ada");
    Someone reader = someone("reader");
    Api.Response none = reader.api.get(ada.profile());
    assertEquals(404, none.status(), none.toString());
    assertEquals("application/problem+json", none.contentType());

    Api.Response created = ada.api.put(ada.profile(), ADA);
    assertEquals(201, created.status(), created.toString());
    assertEquals("\"1\"", created.header("ETag"));
    assertEquals(ada.profile(), created.header("Location"));
    assertEquals(ada.id, created.json().get("user_id").asText());
    assertEquals("https://ada.example.com/ada.png", created.json().get("avatar_url").asText());
    assertEquals(created.json(), readBack(ada, 1, reader.api), "any user reads it, as the write answered");
    assertEquals("\"1\"", reader.api.get(ada.profile()).header("ETag"));

    Api.Response replaced = ada.api.put(ada.profile(), "{\"bio\":\"Poet\",\"location\":\"London\"}", Map.of("If-Match", "\"1\""));
    assertEquals(200, replaced.status(), replaced.toString());
    assertEquals(2, replaced.json().get("version").asLong());
    assertTrue(replaced.json().get("website").isNull(), "a field a PUT leaves out is emptied: " + replaced);
    assertEquals(created.json().get("created_at"), replaced.json().get("created_at"));

    Api.Response patched = ada.api.patch(ada.profile(), "{\"location\":\"Paris\",\"bio\":null}", Map.of("If-Match", "\"2\""));
    assertEquals(200, patched.status(), patched.toString());
    assertEquals("\"3\"", patched.header("ETag"));
    assertTrue(patched.json().get("bio").isNull(), "an explicit null clears");
    assertEquals("Paris", patched.json().get("location").asText());
    assertTrue(patched.json().get("avatar_url").isNull(), "still empty since the replace");
    assertEquals(patched.json(), readBack(ada, 3, reader.api));

    Api.Response stale = ada.api.patch(ada.profile(), "{\"bio\":\"late\"}", Map.of("If-Match", "\"2\""));
    assertEquals(412, stale.status(), stale.toString());
    assertEquals("application/problem+json", stale.contentType());
    assertEquals(412, ada.api.put(ada.profile(), ADA, Map.of("If-Match", "\"0\"")).status(), "create-only: it exists");
    assertEquals(401, node.api.get(ada.profile()).status());
    assertEquals(3, events(ada.id, "Created") + events(ada.id, "Updated"));
  }

  @Test
  void eachFieldIsValidatedAgainstItsBoundAndTheUrlsAgainstTheirScheme() {
    Someone user = someone("bounds");
    Map<String, String> invalid = Map.of(
        "bio", "\"" + "b".repeat(Profile.MAX_BIO_LENGTH + 1) + "\"",
        "website", "\"https://example.com/" + "w".repeat(Profile.MAX_WEBSITE_LENGTH) + "\"",
        "location", "\"" + "l".repeat(Profile.MAX_LOCATION_LENGTH + 1) + "\"",
        "avatar_url", "\"https://example.com/" + "a".repeat(Profile.MAX_AVATAR_URL_LENGTH) + "\"");
    invalid.forEach((field, value) -> {
      for (String method : List.of("PUT", "PATCH")) {
        Api.Response r = user.api.send(method, user.profile(), "application/json",
            ("{\"" + field + "\":" + value + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
        assertEquals(400, r.status(), method + " " + field + ": " + r);
        assertEquals(List.of(field), fields(r), method + " " + field + ": " + r);
      }
    });
    for (String url : List.of("javascript:alert(1)", "ftp://example.com/a.png", "/relative.png", "example.com", "http://")) {
      Api.Response website = user.api.put(user.profile(), "{\"website\":\"" + url + "\"}");
      assertEquals(List.of("website"), fields(website), url + ": " + website);
      Api.Response avatar = user.api.put(user.profile(), "{\"avatar_url\":\"" + url + "\"}");
      assertEquals(List.of("avatar_url"), fields(avatar), url + ": " + avatar);
    }
    String all = "{" + String.join(",", invalid.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue()).toList())
        + "}";
    Api.Response everything = user.api.put(user.profile(), all);
    assertEquals(List.of("avatar_url", "bio", "location", "website"), fields(everything).stream().sorted().toList());
    assertEquals(400, user.api.put(user.profile(), "{\"bio\":5}").status(), "a bio must be a string");
    assertEquals(List.of("email"), fields(user.api.put(user.profile(), "{\"email\":\"x@example.com\"}")), "no other field");
    assertEquals(0, events(user.id, "Created"), "nothing invalid was written");

    ObjectNode longest = JSON.createObjectNode()
        .put("bio", "b".repeat(Profile.MAX_BIO_LENGTH))
        .put("website", "HTTPS://e.com/" + "w".repeat(Profile.MAX_WEBSITE_LENGTH - "https://e.com/".length()))
        .put("location", "l".repeat(Profile.MAX_LOCATION_LENGTH))
        .put("avatar_url", "http://e.com/" + "a".repeat(Profile.MAX_AVATAR_URL_LENGTH - "http://e.com/".length()));
    Api.Response atTheBounds = user.api.put(user.profile(), longest.toString());
    assertEquals(201, atTheBounds.status(), atTheBounds.toString());
    assertEquals(longest, ((ObjectNode) readBack(user, 1, admin).deepCopy()).retain("bio", "website", "location", "avatar_url"),
        "stored whole, and read back from the table");
  }

  @Test
  void onlyTheUserThemselfOrAnAdminWritesAndOnlyForAUserWhoIsThere() {
    Someone owner = someone("owner");
    Someone other = someone("other");
    assertEquals(403, other.api.put(owner.profile(), ADA).status());
    assertEquals(403, other.api.patch(owner.profile(), "{\"bio\":\"x\"}").status());
    assertEquals(403, other.api.delete(owner.profile()).status());
    Api.Response byAdmin = admin.put(owner.profile(), ADA);
    assertEquals(201, byAdmin.status(), byAdmin.toString());
    assertEquals(200, admin.patch(owner.profile(), "{\"bio\":\"by an admin\"}").status());
    assertEquals(403, other.api.get(owner.profile() + "?include_deleted=true").status(), "include_deleted is an admin's");

    String nobody = "/api/users/" + java.util.UUID.randomUUID() + "/profile";
    assertEquals(404, admin.put(nobody, ADA).status(), "no such user");
    assertEquals(404, other.api.get(nobody).status());
    assertEquals(404, admin.get("/api/users/not-a-uuid/profile").status());

    Api.Response deleted = owner.api.delete(owner.profile());
    assertEquals(200, deleted.status(), deleted.toString());
    assertFalse(deleted.json().get("deleted_at").isNull());
    eventually(CATCH_UP, () -> other.api.get(owner.profile()).status(), status -> status == 404);
    assertEquals(409, owner.api.patch(owner.profile(), "{\"bio\":\"x\"}").status(), "a deleted profile is not patched");
    JsonNode shown = eventually(CATCH_UP, () -> admin.get(owner.profile() + "?include_deleted=true"),
        r -> r.status() == 200 && !r.json().get("deleted_at").isNull()).json();
    assertEquals("by an admin", shown.get("bio").asText());
    Api.Response again = owner.api.put(owner.profile(), "{\"bio\":\"again\"}", Map.of("If-Match", deleted.header("ETag")));
    assertEquals(201, again.status(), "a PUT after a deletion creates it anew: " + again);
    assertTrue(again.json().get("deleted_at").isNull());
  }

  @Test
  void theUsersAnswersEmbedTheirProfileOrNull() {
    Someone ada = someone("embed");
    assertTrue(ada.api.get("/api/users/me").json().get("profile").isNull(), "the key is there, null");
    JsonNode profile = created(ada);
    readBack(ada, 1, ada.api);
    assertEquals(profile, ada.api.get("/api/users/me").json().get("profile"));
    assertEquals(profile, admin.get("/api/users/" + ada.id).json().get("profile"));
    JsonNode listed = eventually(CATCH_UP, () -> admin.get("/api/users?email=" + email(ada)),
        r -> r.status() == 200 && r.json().get("data").size() == 1).json().get("data").get(0);
    assertEquals(profile, listed.get("profile"));
    Api.Response patched = ada.api.patch("/api/users/" + ada.id, "{\"full_name\":\"Ada K.\"}");
    assertEquals(profile, patched.json().get("profile"), "write answers embed it too");
  }

  /** A page of users and their profiles is one statement (and its count), however many users it shows. */
  @Test
  void theListOfUsersEmbedsProfilesWithoutAQueryPerUser() throws Exception {
    String prefix = "list-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    List<Someone> users = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Someone user = someone(prefix);
      created(user);
      users.add(user);
    }
    for (Someone user : users) {
      readBack(user, 1, admin);
    }
    eventually(CATCH_UP, () -> admin.get("/api/users?email=" + prefix).json().get("total").asInt(), n -> n == 5);

    AtomicInteger statements = new AtomicInteger();
    Settings settings = Settings.from(node.node.system().settings().config());
    List<FieldError> errors = new ArrayList<>();
    for (int limit : List.of(1, 5)) {
      statements.set(0);
      ListParams params = ListParams.parse(Map.of("limit", Integer.toString(limit)), UserQueries.SORTABLE,
          UserQueries.DEFAULT_SORT, settings.queries(), errors);
      var page = new UserQueries(counting(database, statements)).list(new UserQueries.Filter(prefix, null, null), params);
      assertEquals(limit, page.data().size());
      for (UserView user : page.data()) {
        assertEquals("Mathematician", user.profile().bio(), user.toString());
      }
      assertEquals(2, statements.get(), "the page and its count, for a page of " + limit);
    }
    assertEquals(List.of(), errors);
  }

  /**
   * Many PUTs of a new profile at once, half of them through a second node of the cluster, half of
   * them create-only (If-Match "0"): one creates it, and only one Created event is ever written.
   */
  // Last: while the second node leaves, the first node's shard coordinators need seconds to settle,
  // and a test after this one would meet them unsettled.
  @Test
  @Order(Integer.MAX_VALUE)
  void ofConcurrentPutsOfANewProfileOnTwoNodesExactlyOneCreatesIt() throws Exception {
    Someone user = someone("race");
    try (TestNode second = TestNode.startJoining(secondDataDir, node, Users.ADMIN_CONFIG)) {
      Api there = Users.admin(second.api);
      int count = 16;
      ExecutorService pool = Executors.newFixedThreadPool(count);
      try {
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          Api via = i % 2 == 0 ? user.api : there;
          Map<String, String> headers = i % 4 < 2 ? Map.of("If-Match", "\"0\"") : Map.of();
          String body = "{\"bio\":\"writer " + i + "\"}";
          calls.add(() -> via.put(user.profile(), body, headers).status());
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(calls)) {
          statuses.add(f.get());
        }
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 200 || s == 412), statuses.toString());
        long replaced = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 412).count();
        assertEquals(count - 1, replaced + refused, statuses.toString());
        assertTrue(refused == count / 2 || refused == count / 2 - 1,
            "every create-only PUT lost, but the one that created if one did: " + statuses);
        assertEquals(1, events(user.id, "Created"), "one Created event for this persistence id");
        assertEquals(replaced, events(user.id, "Updated"), "every other PUT that got through replaced it");
        readBack(user, 1 + replaced, admin);
        assertEquals(1, Tables.count(database, "SELECT count(*) FROM read.user_profiles WHERE user_id = '" + user.id + "'"));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * A user's deletion takes their profile, and their restoration brings back exactly that: a
   * profile deleted by hand before stays deleted. A deleted user's profile is never served, not
   * even while the read table still shows it.
   */
  @Test
  void aProfileGoesWithItsUserAndComesBackOnlyIfTheDeletionTookIt() {
    Someone ada = someone("cascade");
    Someone byHand = someone("by-hand");
    Someone none = someone("none");
    Someone reader = someone("cascade-reader");
    JsonNode profile = created(ada);
    created(byHand);
    assertEquals(200, byHand.api.delete(byHand.profile()).status());
    readBack(ada, 1, reader.api);
    eventually(CATCH_UP, () -> admin.get(byHand.profile() + "?include_deleted=true"), r -> r.status() == 200
        && r.json().get("version").asLong() == 2);

    // With the profiles projection paused the table keeps Ada's profile live; her deletion hides it at once.
    assertEquals(200, admin.post("/admin/projections/profiles/pause", "").status());
    try {
      for (Someone user : List.of(ada, byHand, none)) {
        assertEquals(200, user.api.delete("/api/users/" + user.id).status());
      }
      assertEquals(404, reader.api.get(ada.profile()).status(), "a deleted user's profile is not served");
      assertEquals(404, admin.get(ada.profile() + "?include_deleted=true").status(), "not to admins either");
      assertEquals(1, Tables.count(database, "SELECT count(*) FROM read.user_profiles WHERE user_id = '" + ada.id
          + "' AND deleted_at IS NULL"), "the table still shows it live");
      assertTrue(admin.get("/api/users/" + ada.id + "?include_deleted=true").json().get("profile").isNull());
      assertEquals(404, admin.put(ada.profile(), ADA).status(), "no writes for a deleted user");
    } finally {
      assertEquals(200, admin.post("/admin/projections/profiles/resume", "").status());
    }
    eventually(CATCH_UP, () -> events(ada.id, "OwnerDeleted") + events(byHand.id, "OwnerDeleted") + events(none.id, "OwnerDeleted"),
        n -> n == 3);
    eventually(CATCH_UP, () -> Tables.count(database, "SELECT count(*) FROM read.user_profiles WHERE user_id = '" + ada.id
        + "' AND deleted_at IS NOT NULL AND version = 2"), n -> n == 1);
    assertTrue(Tables.text(database, "SELECT convert_from(event_payload, 'UTF8') FROM journal.event_journal"
        + " WHERE persistence_id = 'Profile|" + ada.id + "' AND sequence_number = 2").contains("\"profileDeleted\":true"),
        "the event says the deletion of the user took the profile");

    for (Someone user : List.of(ada, byHand, none)) {
      assertEquals(200, admin.post("/api/users/" + user.id + "/restore", "").status());
    }
    eventually(CATCH_UP, () -> events(ada.id, "OwnerRestored") + events(byHand.id, "OwnerRestored")
        + events(none.id, "OwnerRestored"), n -> n == 3);
    JsonNode back = readBack(ada, 3, reader.api);
    for (String field : List.of("bio", "website", "location", "avatar_url", "created_at")) {
      assertEquals(profile.get(field), back.get(field), field);
    }
    Api.Response stillDeleted = reader.api.get(byHand.profile());
    assertEquals(404, stillDeleted.status(), "deleted by hand before: stays deleted " + stillDeleted);
    JsonNode handRow = eventually(CATCH_UP, () -> admin.get(byHand.profile() + "?include_deleted=true"),
        r -> r.status() == 200 && r.json().get("version").asLong() == 4).json();
    assertFalse(handRow.get("deleted_at").isNull());
    assertEquals(404, reader.api.get(none.profile()).status(), "a user who had none still has none");
    Api.Response fresh = admin.put(none.profile(), ADA, Map.of("If-Match", "\"0\""));
    assertEquals(201, fresh.status(), "and can have one: " + fresh);
  }

  private static List<String> fields(Api.Response problem) {
    List<String> fields = new ArrayList<>();
    problem.json().path("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  private static String email(Someone user) {
    return user.api.get("/api/users/me").json().get("email").asText();
  }

  /** {@code dataSource}, counting the statements prepared on its connections. */
  private static DataSource counting(DataSource dataSource, AtomicInteger statements) {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(method, dataSource, args);
          if (!(result instanceof Connection connection)) {
            return result;
          }
          return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
              (p, m, a) -> {
                if (m.getName().equals("prepareStatement") || m.getName().equals("createStatement")) {
                  statements.incrementAndGet();
                }
                return invoke(m, connection, a);
              });
        });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
