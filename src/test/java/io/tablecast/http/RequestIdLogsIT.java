package io.tablecast.http;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tablecast.support.Api;
import io.tablecast.support.CapturedLogs;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A request's X-Request-Id reaches the entity that handles its command (request_id in the MDC of
 * the entity's lines), and the projection's line for the persisted event names the same event
 * (persistence id and sequence number) and the same request id, carried by the event, with the per-event loggers at DEBUG as EVENT_LOG_LEVEL sets them.
 */
class RequestIdLogsIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final List<String> EVENT_LOGGERS = List.of("io.tablecast.entities", "io.tablecast.projection.events");

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api user;
  private static CapturedLogs logs;

  @BeforeAll
  static void start() throws Exception {
    EVENT_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.DEBUG));
    logs = CapturedLogs.start();
    node = TestNode.start(dataDir);
    user = Users.newUser(node.api, "traced");
  }

  @AfterAll
  static void stop() {
    node.close();
    logs.close();
    EVENT_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(null));
  }

  private static String line(Pattern pattern) {
    return eventually(WITHIN, () -> {
      Matcher m = pattern.matcher(logs.text());
      return m.find() ? m.group() : null;
    }, found -> found != null);
  }

  @Test
  void aCommandsRequestIdIsOnTheEntitysLineAndOnTheProjectionsLineForTheSameEvent() {
    String requestId = "req-" + UUID.randomUUID();
    Api.Response created = user.post("/api/items", "{\"title\":\"Traced\",\"content\":\"c\"}", Map.of("X-Request-Id", requestId));
    assertEquals(201, created.status(), created.toString());
    assertEquals(requestId, created.header("X-Request-Id"));
    String event = "Item\\|" + created.json().get("id").asText();

    String entity = line(Pattern.compile(".*io\\.tablecast\\.entities .*Persisted " + event + " #1 Created.*"));
    assertTrue(entity.contains("request_id=" + requestId), entity);
    assertTrue(entity.contains("sequence_nr=1"), entity);

    String projection = line(Pattern.compile(".*io\\.tablecast\\.projection\\.events .*items-g\\d+ \\(item-\\d\\) committed " + event + " #1 Created.*"));
    assertTrue(projection.contains("persistence_id=Item|" + created.json().get("id").asText()), projection);
    assertTrue(projection.contains("sequence_nr=1"), projection);
    assertTrue(projection.contains("request_id=" + requestId), projection);
  }

  /** The id of a new item of the test's user (created without a request id of the test's). */
  private static String createdItem(String title) {
    Api.Response created = user.post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"c\"}");
    assertEquals(201, created.status(), created.toString());
    return created.json().get("id").asText();
  }

  @Test
  void anUpdatesRequestIdReachesTheProjectionsLineForItsEvent() {
    String id = createdItem("Traced twice");
    String requestId = "update-" + UUID.randomUUID();

    Api.Response updated = user.patch("/api/items/" + id, "{\"title\":\"Traced again\"}", Map.of("X-Request-Id", requestId));
    assertEquals(200, updated.status(), updated.toString());

    String projection = line(Pattern.compile(".*io\\.tablecast\\.projection\\.events .*committed Item\\|" + id + " #2 Updated.*"));
    assertTrue(projection.contains("request_id=" + requestId), projection);
  }

  @Test
  void aRejectedCommandIsLoggedWithItsRequestIdWhileTheEntityHandlesIt() {
    String id = createdItem("Stale");
    String requestId = "stale-" + UUID.randomUUID();

    Api.Response stale = user.patch("/api/items/" + id, "{\"title\":\"Later\"}", Map.of("If-Match", "\"7\"", "X-Request-Id", requestId));
    assertEquals(412, stale.status(), stale.toString());

    String rejected = line(Pattern.compile(".*request_id=" + requestId + ".*Rejected a command to Item\\|" + id + ": VERSION_MISMATCH.*"));
    assertTrue(rejected.contains("io.tablecast.entities"), rejected);
  }

  @Test
  void aRegistrationsRequestIdIsOnTheUsersLineAndOnItsEmailReservation() {
    String requestId = "register-" + UUID.randomUUID();
    String email = Users.uniqueEmail("traced");
    Api.Response registered = node.api.post("/api/users",
        "{\"email\":\"" + email + "\",\"password\":\"" + Users.PASSWORD + "\",\"full_name\":\"T\"}",
        Map.of("X-Request-Id", requestId));
    assertEquals(201, registered.status(), registered.toString());
    String user = line(Pattern.compile(".*Persisted User\\|" + registered.json().get("id").asText() + " #1 Registered.*"));
    assertTrue(user.contains("request_id=" + requestId), user);
    String claimed = line(Pattern.compile(".*Persisted UniqueValue\\|email:" + Pattern.quote(email) + " #1 Claimed.*"));
    assertTrue(claimed.contains("request_id=" + requestId), claimed);
  }
}
