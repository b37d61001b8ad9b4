package io.tablecast.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Watches the items projection catch up with the journal: the time from its first committed
 * offset to the moment every slice's offset has reached the last event of its tag. It reads the
 * offset table only (a handful of rows), so watching costs the database nothing worth measuring.
 */
final class CatchUp {
  private final CompletableFuture<Double> seconds = new CompletableFuture<>();

  private CatchUp() {}

  /** Call once the journal is seeded and before the service starts: the clock starts at the first offset. */
  static CatchUp watch(DataSource dataSource, String projectionId, String tagPrefix) throws SQLException {
    return watch(dataSource, projectionId, tagPrefix, 0);
  }

  /**
   * Call once the journal is seeded, just before resuming a paused projection that has offsets
   * already (its first offset says nothing then): the clock starts now.
   */
  static CatchUp watchFromNow(DataSource dataSource, String projectionId, String tagPrefix) throws SQLException {
    return watch(dataSource, projectionId, tagPrefix, System.nanoTime());
  }

  private static CatchUp watch(DataSource dataSource, String projectionId, String tagPrefix, long start)
      throws SQLException {
    Map<String, Long> lastEvents = lastEventPerTag(dataSource, tagPrefix);
    CatchUp watch = new CatchUp();
    Thread t = new Thread(() -> {
      long first = start;
      while (!watch.seconds.isDone()) {
        Map<String, Long> offsets = offsets(dataSource, projectionId);
        long now = System.nanoTime();
        if (!offsets.isEmpty() && first == 0) {
          first = now;
        }
        if (lastEvents.entrySet().stream().allMatch(e -> offsets.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
          watch.seconds.complete((now - first) / 1e9);
          return;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          watch.seconds.completeExceptionally(e);
          return;
        }
      }
    }, "bench-catch-up");
    t.setDaemon(true);
    t.start();
    return watch;
  }

  double await(Duration within) throws Exception {
    return seconds.get(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Map<String, Long> lastEventPerTag(DataSource dataSource, String tagPrefix) throws SQLException {
    Map<String, Long> last = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT tag, max(event_id) FROM journal.event_tag WHERE tag LIKE ? GROUP BY tag")) {
      ps.setString(1, tagPrefix + "-%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return last;
  }

  private static Map<String, Long> offsets(DataSource dataSource, String projectionId) {
    Map<String, Long> offsets = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT projection_key, current_offset FROM journal.akka_projection_offset_store WHERE projection_name = ?")) {
      ps.setString(1, projectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getString(1), Long.parseLong(rs.getString(2)));
        }
      }
    } catch (Exception notThereYet) {
      // the service has not created its tables yet
    }
    return offsets;
  }
}
