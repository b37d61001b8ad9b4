package io.tablecast.evolution;

import static io.tablecast.evolution.EventSamples.CATEGORY;
import static io.tablecast.evolution.EventSamples.ITEM;
import static io.tablecast.evolution.EventSamples.USER;
import static io.tablecast.evolution.EventSamples.at;
import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.category.Category;
import io.tablecast.item.Item;
import io.tablecast.profile.Profile;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import io.tablecast.user.User;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed fixtures, written as journal rows exactly as they are (old versions included),
 * replay through a running node: the aggregates recover from them and continue at the right
 * version, and the projections cast them into the expected read rows.
 */
class EventReplayIT {
  private static final int SLICES = 4;
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  @TempDir Path dataDir;

  @Test
  void fixtureHistoriesRecoverAndProject() throws Exception {
    Map<String, Object> config = new HashMap<>(Users.ADMIN_CONFIG);
    config.put("tablecast.projections.slices", SLICES);
    try (TestNode node = TestNode.start(dataDir, config)) {
      Api api = node.admin();
      try (Connection c = node.node.database().dataSource().getConnection()) {
        c.setAutoCommit(false);
        append(c, User.ENTITY_TYPE_KEY.name() + "|" + USER, User.TAG,
            List.of("user/Registered.v1", "user/Updated.v1", "user/Deleted.v1", "user/Restored.v1"));
        append(c, Category.ENTITY_TYPE_KEY.name() + "|" + CATEGORY, Category.TAG,
            List.of("category/Created.v1", "category/Updated.v1", "category/Deleted.v1", "category/Restored.v1"));
        append(c, Item.ENTITY_TYPE_KEY.name() + "|" + ITEM, Item.TAG_PREFIX + "-" + Math.floorMod(ITEM.toString().hashCode(), SLICES),
            List.of("item/Created.v1", "item/Updated.v1", "item/Updated.v2", "item/CategoryDetached.v1", "item/Deleted.v1",
                "item/Restored.v1"));
        append(c, Profile.ENTITY_TYPE_KEY.name() + "|" + USER,
            Profile.TAG_PREFIX + "-" + Math.floorMod(USER.toString().hashCode(), SLICES),
            List.of("profile/Created.v1", "profile/OwnerDeleted.v1", "profile/OwnerRestored.v1", "profile/Updated.v1",
                "profile/Deleted.v1"));
        c.commit();
      }

      // the projections: one read row each, as the histories end
      JsonNode item = eventually(CATCH_UP, () -> api.get("/api/items/" + ITEM),
          r -> r.status() == 200 && r.json().get("version").asLong() == 6).json();
      assertEquals("Notes by the translator", item.get("title").asText(), "from Updated v1 (changed → changedFields)");
      assertEquals("On the engine, with notes A to G", item.get("content").asText(), "from Updated v2");
      assertEquals("published", item.get("status").asText());
      assertEquals(List.of("history", "jackson", "json"), texts(item.get("tags")), "Updated v2 listed tags as changed");
      assertTrue(item.get("category_id").isNull(), "CategoryDetached: " + item);
      assertEquals(USER.toString(), item.get("owner_id").asText());
      assertEquals(at(10), Instant.parse(item.get("created_at").asText()));
      assertEquals(at(15), Instant.parse(item.get("updated_at").asText()));
      assertTrue(item.get("deleted_at").isNull(), "Restored: " + item);

      JsonNode category = eventually(CATCH_UP, () -> api.get("/api/categories/" + CATEGORY),
          r -> r.status() == 200 && r.json().get("version").asLong() == 4).json();
      assertEquals("Computing engines", category.get("name").asText());
      assertEquals("Analytical and difference engines", category.get("description").asText());
      assertEquals(at(5), Instant.parse(category.get("created_at").asText()));

      JsonNode user = eventually(CATCH_UP, () -> api.get("/api/users/" + USER),
          r -> r.status() == 200 && r.json().get("version").asLong() == 4).json();
      assertEquals(EventSamples.EMAIL, user.get("email").asText());
      assertEquals("Ada King", user.get("full_name").asText());
      assertEquals(List.of("editor", "user"), texts(user.get("roles")));
      assertTrue(user.get("deleted_at").isNull(), user.toString());

      // Ada's profile, deleted by hand at the end of its fixtures; the profile cascade then meets her
      // deletion and restoration in the user fixtures, which leave it deleted (versions 6 and 7)
      JsonNode profile = eventually(CATCH_UP, () -> api.get("/api/users/" + USER + "/profile?include_deleted=true"),
          r -> r.status() == 200 && r.json().get("version").asLong() == 7).json();
      assertEquals("Mathematician and writer", profile.get("bio").asText());
      assertTrue(profile.get("location").isNull(), profile.toString());
      assertEquals(at(1), Instant.parse(profile.get("created_at").asText()));
      assertEquals(at(18), Instant.parse(profile.get("deleted_at").asText()));
      Api.Response recreated = api.put("/api/users/" + USER + "/profile", "{\"bio\":\"Back\"}", Map.of("If-Match", "\"7\""));
      assertEquals(201, recreated.status(), recreated.toString());
      assertEquals(8, recreated.json().get("version").asLong());

      // the history shows every event in its current form: both Updated versions with changed_fields
      Api.Response history = api.get("/api/items/" + ITEM + "/history");
      assertEquals(200, history.status(), history.toString());
      JsonNode entries = history.json().get("data");
      assertEquals(6, entries.size(), history.toString());
      assertEquals("Updated", entries.get(1).get("type").asText());
      assertEquals(List.of("title"), texts(entries.get(1).get("payload").get("changed_fields")), history.toString());
      assertEquals(List.of("content", "status", "tags"), texts(entries.get(2).get("payload").get("changed_fields")));
      assertTrue(!entries.get(1).get("payload").has("changed"), history.toString());
      // a deletion from before deletions named who deleted: neither field, so its owner restores it
      assertEquals("Deleted", entries.get(4).get("type").asText());
      assertTrue(!entries.get(4).get("payload").has("moderated") && !entries.get(4).get("payload").has("deleted_by"),
          history.toString());

      // the aggregates: recovered from the fixtures, they take the next command at the next version
      Api.Response updated = api.patch("/api/items/" + ITEM, "{\"title\":\"After the replay\"}", Map.of("If-Match", "\"6\""));
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(7, updated.json().get("version").asLong());
      assertEquals("On the engine, with notes A to G", updated.json().get("content").asText(), "state recovered from v1 and v2");
      assertEquals(List.of("history", "jackson", "json"), texts(updated.json().get("tags")));
      eventually(CATCH_UP, () -> api.get("/api/items/" + ITEM),
          r -> r.status() == 200 && r.json().get("version").asLong() == 7
              && r.json().get("title").asText().equals("After the replay"));

      Api.Response stale = api.patch("/api/items/" + ITEM, "{\"title\":\"Too late\"}", Map.of("If-Match", "\"6\""));
      assertEquals(412, stale.status(), stale.toString());

      Api.Response described = api.patch("/api/categories/" + CATEGORY, "{\"description\":\"Engines of Babbage\"}",
          Map.of("If-Match", "\"4\""));
      assertEquals(200, described.status(), described.toString());
      assertEquals(5, described.json().get("version").asLong());
      assertEquals("Computing engines", described.json().get("name").asText());

      // the new Updated event went to the journal as version 2
      try (Connection c = node.node.database().dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement(
              "SELECT event_ser_manifest FROM journal.event_journal WHERE persistence_id = ? AND sequence_number = 7")) {
        ps.setString(1, Item.ENTITY_TYPE_KEY.name() + "|" + ITEM);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("io.tablecast.item.Item$Updated#2", rs.getString(1));
        }
      }
    }
  }

  /** Writes the fixtures as the journal rows 1..n of {@code persistenceId}, tagged as the aggregate tags them. */
  private static void append(Connection c, String persistenceId, String tag, List<String> fixtures) throws Exception {
    try (PreparedStatement journal = c.prepareStatement(
            "INSERT INTO journal.event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, "
                + "event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, 'fixtures', ?, '', ?, ?, ?) RETURNING ordering");
        PreparedStatement tags = c.prepareStatement("INSERT INTO journal.event_tag (event_id, tag) VALUES (?, ?)")) {
      long sequenceNumber = 0;
      for (String name : fixtures) {
        Fixtures.Serialized event = Fixtures.read(name);
        journal.setString(1, persistenceId);
        journal.setLong(2, ++sequenceNumber);
        journal.setLong(3, at((int) sequenceNumber).toEpochMilli());
        journal.setInt(4, event.serializerId());
        journal.setString(5, event.manifest());
        journal.setBytes(6, event.payload());
        try (ResultSet rs = journal.executeQuery()) {
          rs.next();
          tags.setLong(1, rs.getLong(1));
        }
        tags.setString(2, tag);
        tags.executeUpdate();
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

}
