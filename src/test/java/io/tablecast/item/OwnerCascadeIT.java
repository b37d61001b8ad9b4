package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.query.Offset;
import akka.projection.eventsourced.EventEnvelope;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.Settings;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.user.User;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's items follow the user, through the API of a real node: deleting the user deletes their
 * live items (the reason in each history), reads hide them before that, restoring the user brings
 * back exactly those; the cascade run again over the same event changes nothing.
 */
class OwnerCascadeIT {
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api admin;
  private static Api editor;
  private static Api stranger;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.ADMIN_CONFIG);
    admin = node.admin();
    editor = Users.newEditor(node.api, "editor");
    stranger = Users.newUser(node.api, "stranger");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String create(Api as, String title, String status) {
    Api.Response r = as.post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"c\",\"status\":\"" + status + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static long total(Api as, String query) {
    Api.Response r = as.get("/api/items?" + query);
    assertEquals(200, r.status(), r.toString());
    return r.json().get("total").asLong();
  }

  private static JsonNode history(String itemId) {
    Api.Response r = admin.get("/api/items/" + itemId + "/history?include_deleted=true");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("data");
  }

  private static JsonNode last(JsonNode entries) {
    return entries.get(entries.size() - 1);
  }

  @Test
  void aDeletedUsersLiveItemsAreDeletedWithTheReasonAndComeBackWithTheUser() {
    Api owner = Users.newUser(node.api, "owner");
    String ownerId = Users.id(owner);
    List<String> live = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      live.add(create(owner, "owned " + i, i % 2 == 0 ? "published" : "draft"));
    }
    String byHand = create(owner, "deleted by hand", "published");
    assertEquals(200, owner.delete("/api/items/" + byHand).status());
    String others = create(stranger, "someone else's", "published");
    eventually(CATCH_UP, () -> total(admin, "owner_id=" + ownerId), n -> n == 4);

    assertEquals(200, admin.delete("/api/users/" + ownerId).status());
    assertEquals(0, eventually(CATCH_UP, () -> total(admin, "owner_id=" + ownerId), n -> n == 0), "lists hide them");
    for (String id : live) {
      JsonNode deletion = eventually(CATCH_UP, () -> last(history(id)), e -> e.get("type").asText().equals("Deleted"));
      assertEquals("owner_deleted", deletion.get("payload").get("reason").asText(), deletion.toString());
      assertFalse(deletion.get("payload").has("deleted_by"), "the service deleted it: " + deletion);
      assertFalse(deletion.get("payload").has("moderated"), deletion.toString());
    }
    JsonNode handHistory = history(byHand);
    assertEquals(2, handHistory.size(), "created, deleted by hand, nothing since: " + handHistory);
    assertFalse(last(handHistory).get("payload").has("reason"), handHistory.toString());
    Api.Response byEditor = editor.post("/api/items/" + live.get(0) + "/restore", "");
    assertEquals(409, byEditor.status(), "only the owner's restore brings it back: " + byEditor);
    assertEquals("application/problem+json", byEditor.contentType());
    assertEquals(200, admin.get("/api/items/" + others).status(), "another user's item is untouched");
    eventually(CATCH_UP, () -> total(admin, "include_deleted=true&owner_id=" + ownerId), n -> n == 5);

    assertEquals(200, admin.post("/api/users/" + ownerId + "/restore", "").status());
    for (String id : live) {
      JsonNode restored = eventually(CATCH_UP, () -> last(history(id)), e -> e.get("type").asText().equals("Restored"));
      assertEquals(3, history(id).size(), "created, deleted with its owner, restored with them: " + restored);
    }
    eventually(CATCH_UP, () -> total(admin, "owner_id=" + ownerId), n -> n == 4);
    assertEquals(404, admin.get("/api/items/" + byHand).status(), "the item deleted by hand stays deleted");
    assertEquals(2, history(byHand).size());
  }

  @Test
  void readsHideADeletedUsersItemsBeforeTheirRowsSayDeleted() {
    Api owner = Users.newUser(node.api, "hidden");
    String ownerId = Users.id(owner);
    String word = "w" + UUID.randomUUID().toString().substring(0, 8);
    String published = create(owner, "published " + word, "published");
    String draft = create(owner, "draft " + word, "draft");
    eventually(CATCH_UP, () -> total(stranger, "q=" + word), n -> n == 1);
    eventually(CATCH_UP, () -> total(editor, "q=" + word), n -> n == 2);

    // With the items projection paused the item rows cannot change: what hides them is the owner's deletion.
    assertEquals(200, admin.post("/admin/projections/items/pause", "").status());
    try {
      eventually(CATCH_UP, () -> admin.get("/admin/projections/items").json().get("state").asText(), s -> s.equals("paused"));
      assertEquals(200, owner.delete("/api/users/" + ownerId).status(), "users may delete themselves");
      eventually(CATCH_UP, () -> total(editor, "q=" + word), n -> n == 0);
      assertEquals(0, total(stranger, "q=" + word));
      assertEquals(0, total(editor, "owner_id=" + ownerId));
      assertEquals(0, total(editor, "status=draft&q=" + word));
      assertEquals(404, stranger.get("/api/items/" + published).status());
      assertEquals(404, editor.get("/api/items/" + published).status());
      assertEquals(404, editor.get("/api/items/" + draft).status());
      assertEquals(404, stranger.get("/api/items/" + published + "?include_deleted=true").status(),
          "who may not change it does not see it");

      // include_deleted shows what deletion hides: to admins in lists, and by id to who may change it.
      JsonNode all = admin.get("/api/items?include_deleted=true&q=" + word).json();
      assertEquals(2, all.get("total").asLong(), all.toString());
      all.get("data").forEach(row -> assertTrue(row.get("deleted_at").isNull(), "the rows still say live: " + row));
      Api.Response byId = editor.get("/api/items/" + draft + "?include_deleted=true");
      assertEquals(200, byId.status(), byId.toString());
    } finally {
      assertEquals(200, admin.post("/admin/projections/items/resume", "").status());
    }
    for (String id : List.of(published, draft)) {
      eventually(CATCH_UP, () -> admin.get("/api/items/" + id + "?include_deleted=true"),
          r -> r.status() == 200 && !r.json().get("deleted_at").isNull());
    }
  }

  @Test
  void theCascadeRunTwiceOverOneEventChangesNothingTwice() throws Exception {
    Api owner = Users.newUser(node.api, "twice");
    UUID ownerId = UUID.fromString(Users.id(owner));
    List<String> items = List.of(create(owner, "a", "published"), create(owner, "b", "draft"), create(owner, "c", "draft"));
    eventually(CATCH_UP, () -> total(admin, "owner_id=" + ownerId), n -> n == 3);
    OwnerCascade cascade = new OwnerCascade(node.node.system(),
        Settings.from(node.node.system().settings().config()), node.node.database().dataSource());

    assertEquals(200, admin.delete("/api/users/" + ownerId).status());
    eventually(CATCH_UP, () -> events(items, "Item$Deleted"), counts -> counts.values().stream().allMatch(n -> n == 1));
    EventEnvelope<User.Event> deletion = lastEventOf(ownerId, new User.Deleted(ownerId, Instant.now(), null));
    cascade.process(null, deletion);
    cascade.process(null, deletion);
    assertEquals(Map.of(items.get(0), 1L, items.get(1), 1L, items.get(2), 1L), events(items, "Item$Deleted"),
        "each item deleted once");

    assertEquals(200, admin.post("/api/users/" + ownerId + "/restore", "").status());
    eventually(CATCH_UP, () -> events(items, "Item$Restored"), counts -> counts.values().stream().allMatch(n -> n == 1));
    EventEnvelope<User.Event> restore = lastEventOf(ownerId, new User.Restored(ownerId, Instant.now(), null));
    cascade.process(null, restore);
    cascade.process(null, restore);
    // A deletion the user has since been restored from is left to the restore: nothing is deleted again.
    cascade.process(null, deletion);
    assertEquals(Map.of(items.get(0), 1L, items.get(1), 1L, items.get(2), 1L), events(items, "Item$Restored"),
        "each item restored once");
    assertEquals(Map.of(items.get(0), 1L, items.get(1), 1L, items.get(2), 1L), events(items, "Item$Deleted"));
    eventually(CATCH_UP, () -> total(admin, "owner_id=" + ownerId), n -> n == 3);
  }

  /** The user's last event in the journal, as the cascade's projection would hand it over. */
  private static EventEnvelope<User.Event> lastEventOf(UUID userId, User.Event event) throws SQLException {
    String persistenceId = User.ENTITY_TYPE_KEY.name() + "|" + userId;
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT ordering, sequence_number FROM journal.event_journal"
            + " WHERE persistence_id = ? ORDER BY sequence_number DESC LIMIT 1")) {
      ps.setString(1, persistenceId);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return EventEnvelope.create(Offset.sequence(rs.getLong(1)), persistenceId, rs.getLong(2), event,
            System.currentTimeMillis());
      }
    }
  }

  /** How many events of this class each item has in the journal. */
  private static Map<String, Long> events(List<String> itemIds, String eventClass) {
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = node.node.database().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM journal.event_journal"
            + " WHERE persistence_id = ? AND event_ser_manifest = ?")) {
      for (String id : itemIds) {
        ps.setString(1, Item.ENTITY_TYPE_KEY.name() + "|" + id);
        ps.setString(2, "io.tablecast.item." + eventClass);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          counts.put(id, rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }
}
