package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tablecast.EventTime;
import io.tablecast.Settings;
import io.tablecast.item.Item;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new item's Created event is written without its entity ({@link FirstEvents}) as the entity
 * would have persisted it: sequence number 1, its tag, the same serializer; the entity recovers it
 * on the item's next command. A first event for an id that has events is refused by the journal's
 * primary key and overwrites nothing.
 */
class FirstEventsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of()));
    api = Users.admin(node.api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long count(String sql) {
    return Tables.count(node.node.database().dataSource(), sql);
  }

  @Test
  void aCreatedItemIsInTheJournalWithItsTagAndItsEntityRecoversIt() {
    Api.Response created = api.post("/api/items", "{\"title\":\"first\",\"content\":\"x\",\"tags\":[\"b\",\"a\"]}");
    assertEquals(201, created.status(), created.toString());
    String id = created.json().get("id").asText();
    assertEquals(1, created.json().get("version").asLong());
    assertEquals("/api/items/" + id, created.header("Location"));
    String persistenceId = "Item|" + id;
    String tag = Item.tagOf(id, Settings.from(node.node.system().settings().config()));

    assertEquals(1, count("SELECT count(*) FROM journal.event_journal WHERE persistence_id = '" + persistenceId
        + "' AND sequence_number = 1 AND event_ser_manifest = 'io.tablecast.item.Item$Created'"));
    assertEquals(1, count("SELECT count(*) FROM journal.event_tag t JOIN journal.event_journal j ON j.ordering = t.event_id"
        + " WHERE j.persistence_id = '" + persistenceId + "' AND t.tag = '" + tag + "'"));

    // The entity starts on this command and recovers the Created event.
    Api.Response updated = api.patch("/api/items/" + id, "{\"title\":\"second\"}", Map.of("If-Match", "\"1\""));
    assertEquals(200, updated.status(), updated.toString());
    assertEquals(2, updated.json().get("version").asLong());
    assertEquals("x", updated.json().get("content").asText());
    assertEquals("[\"a\",\"b\"]", updated.json().get("tags").toString());
    assertEquals("second", api.get("/api/items/" + id + "?min_version=2").json().get("title").asText());
  }

  @Test
  void aFirstEventForAnIdWithEventsIsRefusedAndOverwritesNothing() {
    Api.Response created = api.post("/api/items", "{\"title\":\"original\",\"content\":\"x\"}");
    assertEquals(201, created.status(), created.toString());
    UUID id = UUID.fromString(created.json().get("id").asText());
    String persistenceId = "Item|" + id;

    var impostor = new Item.Created(id, "impostor", "y", "draft", null, null, List.of(), EventTime.now(), null);
    var write = FirstEvents.get(node.node.system()).write(persistenceId, impostor, Set.of("item-0"), TIMEOUT).toCompletableFuture();
    ExecutionException failed = assertThrows(ExecutionException.class, write::get);
    assertInstanceOf(SQLException.class, rootCause(failed), failed.toString());

    assertEquals(1, count("SELECT count(*) FROM journal.event_journal WHERE persistence_id = '" + persistenceId + "'"));
    assertEquals("original", api.get("/api/items/" + id + "/history").json().get("data").get(0).get("payload").get("title").asText());
    assertEquals("original", api.get("/api/items/" + id + "?min_version=1").json().get("title").asText());
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
