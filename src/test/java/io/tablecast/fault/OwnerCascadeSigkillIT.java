package io.tablecast.fault;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import io.tablecast.support.JournalAudit;
import io.tablecast.support.Users;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar is killed with SIGKILL while it deletes a deleted user's items. After a restart
 * on the same data directory the cascade finishes: every item of the user is deleted, each by
 * exactly one Deleted event in the journal.
 */
class OwnerCascadeSigkillIT {
  /** Enough items that the cascade, one item at a time, is still running when the kill comes. */
  private static final int ITEMS = 300;
  private static final String DELETED = "io.tablecast.item.Item$Deleted";

  @TempDir Path dataDir;

  @Test
  void aCascadeCutShortBySigkillFinishesAfterTheRestartDeletingEachItemOnce() throws Exception {
    Path log = dataDir.resolve("tablecast.log");
    Set<String> items = new HashSet<>();
    String ownerId;
    long beforeTheKill;
    try (JarProcess first = JarProcess.serve(dataDir, log, Users.ADMIN_ENV)) {
      Api owner = Users.newUser(first.api, "owner");
      ownerId = Users.id(owner);
      for (int i = 0; i < ITEMS; i++) {
        Api.Response r = owner.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"c\",\"status\":\"published\"}");
        assertEquals(201, r.status(), r.toString());
        items.add(r.json().get("id").asText());
      }
      try (Connection c = JournalAudit.connect(embeddedPostgresUrl())) {
        assertEquals(200, first.admin().delete("/api/users/" + ownerId).status());
        // Some items deleted, so that the restarted cascade runs over them again.
        eventually(Duration.ofSeconds(60), () -> deletions(c).size(), n -> n >= ITEMS / 10);
        first.kill();
        beforeTheKill = deletions(c).size();
      }
    }
    assertTrue(beforeTheKill > 0 && beforeTheKill < ITEMS,
        "the kill came in the middle of the cascade: " + beforeTheKill + " of " + ITEMS + " items deleted before it");

    try (JarProcess second = JarProcess.serve(dataDir, log, Users.ADMIN_ENV)) {
      try (Connection c = JournalAudit.connect(embeddedPostgresUrl())) {
        Map<String, Long> deletions = eventually(Duration.ofSeconds(120), () -> deletions(c), d -> d.size() == ITEMS);
        assertEquals(items, deletions.keySet(), "every item of the user, and no other");
        assertEquals(Set.of(1L), new HashSet<>(deletions.values()), "each item deleted exactly once: " + deletions);
        assertEquals(ITEMS, withReason(c), "every deletion says the owner was deleted");
      }
      Api admin = second.admin();
      assertEquals(0, admin.get("/api/items?owner_id=" + ownerId).json().get("total").asLong());
      JsonNode all = eventually(Duration.ofSeconds(60), () -> admin.get("/api/items?include_deleted=true&limit=500&owner_id=" + ownerId),
          r -> r.json().get("total").asLong() == ITEMS && rowsDeleted(r.json()) == ITEMS).json();
      assertEquals(ITEMS, all.get("data").size());
      System.out.printf("SIGKILL mid-cascade: %d of %d items deleted before the kill, the rest after the restart%n",
          beforeTheKill, ITEMS);
      assertEquals(0, second.stop());
    }
  }

  private static long rowsDeleted(JsonNode page) {
    long n = 0;
    for (JsonNode row : page.get("data")) {
      n += row.get("deleted_at").isNull() ? 0 : 1;
    }
    return n;
  }

  /** Item id → how many Deleted events it has in the journal (only items that have any). */
  private static Map<String, Long> deletions(Connection c) {
    Map<String, Long> counts = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT persistence_id, count(*) FROM journal.event_journal"
            + " WHERE event_ser_manifest = ? GROUP BY persistence_id")) {
      ps.setString(1, DELETED);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1).substring(rs.getString(1).indexOf('|') + 1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }

  private static long withReason(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM journal.event_journal"
            + " WHERE event_ser_manifest = ? AND convert_from(event_payload, 'UTF8') LIKE '%\"reason\":\"owner_deleted\"%'")) {
      ps.setString(1, DELETED);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** postmaster.pid names the port of the running embedded PostgreSQL on line 4. */
  private String embeddedPostgresUrl() throws Exception {
    String port = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim();
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }
}
