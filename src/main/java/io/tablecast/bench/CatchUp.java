package io.tablecast.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Watches the items read table fill up while the projection catches up with the journal: the
 * time from the first projected row to the last is the catch-up time.
 */
final class CatchUp {
  private final CompletableFuture<Double> seconds = new CompletableFuture<>();

  private CatchUp() {}

  static CatchUp watch(DataSource dataSource, long expectedRows) {
    CatchUp watch = new CatchUp();
    Thread t = new Thread(() -> {
      long first = 0;
      while (!watch.seconds.isDone()) {
        long rows = rows(dataSource);
        long now = System.nanoTime();
        if (rows > 0 && first == 0) {
          first = now;
        }
        if (rows >= expectedRows) {
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

  private static long rows(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM read.items")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception notThereYet) {
      return 0;
    }
  }
}
