package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tablecast.item.Item;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal writes through {@link OneStatementJournalDao}: under concurrent writes (which the
 * journal batches, several entities' events per statement) every event lands with exactly its
 * tag, and each item's orderings rise with its sequence numbers.
 */
class OneStatementJournalDaoIT {
  private static final int ITEMS = 40;

  @TempDir static Path dataDir;

  @Test
  void concurrentWritesLandWithTheirTagsAndOrderingsInSequenceOrder() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of()))) {
      assertEquals(OneStatementJournalDao.class.getName(), node.node.system().settings().config().getString("jdbc-journal.dao"));
      Api api = Users.admin(node.api);
      List<Future<String>> created = IntStream.range(0, ITEMS).mapToObj(i -> clients.submit(() ->
          api.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"x\"}").json().get("id").asText())).toList();
      List<Future<Integer>> updated = created.stream().map(id -> clients.submit(() -> {
        int ok = 0;
        for (String title : List.of("second", "third")) {
          ok += api.patch("/api/items/" + id.get(), "{\"title\":\"" + title + "\"}").status() == 200 ? 1 : 0;
        }
        return ok;
      })).toList();
      for (Future<Integer> u : updated) {
        assertEquals(2, u.get());
      }

      DataSource db = node.node.database().dataSource();
      Map<String, String> tagOfEvent = new HashMap<>();
      try (Connection c = db.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT e.persistence_id, e.sequence_number, t.tag FROM journal.event_journal e"
              + " LEFT JOIN journal.event_tag t ON t.event_id = e.ordering WHERE e.persistence_id LIKE 'Item|%'")) {
        while (rs.next()) {
          String event = rs.getString(1) + "#" + rs.getLong(2);
          String previous = tagOfEvent.put(event, rs.getString(3));
          assertEquals(null, previous, event + " has more than one tag");
        }
      }
      assertEquals(ITEMS * 3, tagOfEvent.size());
      int slices = 4;
      for (Future<String> id : created) {
        String expected = Item.TAG_PREFIX + "-" + Math.floorMod(id.get().hashCode(), slices);
        for (int seq = 1; seq <= 3; seq++) {
          assertEquals(expected, tagOfEvent.get("Item|" + id.get() + "#" + seq), "tag of " + id.get() + " #" + seq);
        }
      }
      assertEquals(0, Tables.count(db, "SELECT count(*) FROM journal.event_journal a JOIN journal.event_journal b"
          + " ON a.persistence_id = b.persistence_id AND a.sequence_number < b.sequence_number AND a.ordering > b.ordering"));
    } finally {
      clients.shutdownNow();
    }
  }
}
