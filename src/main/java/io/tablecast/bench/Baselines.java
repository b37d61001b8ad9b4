package io.tablecast.bench;

import io.tablecast.TimeOrderedUuid;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * What the same PostgreSQL does without Tablecast, measured in the same run: rows like an item
 * row, written one transaction per row from N clients, and in batches.
 */
final class Baselines {
  private static final String TABLE = "CREATE TABLE IF NOT EXISTS bench.%s (id uuid PRIMARY KEY, title varchar(200) NOT NULL, "
      + "content text NOT NULL, status varchar(20) NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, "
      + "version bigint NOT NULL)";
  private static final String INSERT = "INSERT INTO bench.%s (id, title, content, status, created_at, updated_at, version) "
      + "VALUES (?, ?, ?, 'draft', ?, ?, 1)";
  private static final int BATCH = 500;

  private final String url;
  private final String user;
  private final String password;

  /** Plain connections, not a pool: each client has its own, as each pgbench client has. */
  Baselines(String url, String user, String password) throws Exception {
    this.url = url;
    this.user = user;
    this.password = password;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS bench");
      s.execute(String.format(TABLE, "raw_items"));
      s.execute(String.format(TABLE, "batch_items"));
    }
  }

  /** Drops the baselines' tables (the schema {@code bench}): for a run against someone's database. */
  void dropTables() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS bench CASCADE");
    }
  }

  /**
   * Rows per second written in batches of 500, one transaction per batch, into a new table shaped
   * like {@code readTable} with all its indexes: the rows a catch-up writes, at the cost PostgreSQL
   * charges for them.
   */
  double batchInsertsLike(String readTable, int rows) throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench.items_like");
      s.execute("CREATE TABLE bench.items_like (LIKE " + readTable + " INCLUDING ALL)");
    }
    long began = System.nanoTime();
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO bench.items_like (id, title, content, status, created_at,"
            + " updated_at, version, slug) VALUES (?, ?, ?, 'draft', ?, ?, 1, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < rows; i++) {
        bind(ps, i);
        ps.setString(6, "item-" + i + "-" + Integer.toHexString(i));
        ps.addBatch();
        if ((i + 1) % BATCH == 0 || i == rows - 1) {
          ps.executeBatch();
          c.commit();
        }
      }
    }
    return rows / ((System.nanoTime() - began) / 1e9);
  }

  /** Rows per second written in batches of 500, one transaction per batch. */
  double batchInserts(int rows) throws Exception {
    long began = System.nanoTime();
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(String.format(INSERT, "batch_items"))) {
      c.setAutoCommit(false);
      for (int i = 0; i < rows; i++) {
        bind(ps, i);
        ps.addBatch();
        if ((i + 1) % BATCH == 0 || i == rows - 1) {
          ps.executeBatch();
          c.commit();
        }
      }
    }
    return rows / ((System.nanoTime() - began) / 1e9);
  }

  /** Single-row insert transactions from {@code concurrency} clients, each on its own connection. */
  Load.Result rawInserts(int concurrency, Duration duration) throws Exception {
    Connection[] connections = new Connection[concurrency];
    PreparedStatement[] statements = new PreparedStatement[concurrency];
    try {
      for (int i = 0; i < concurrency; i++) {
        connections[i] = connect();
        connections[i].setAutoCommit(true);
        statements[i] = connections[i].prepareStatement(String.format(INSERT, "raw_items"));
      }
      return Load.run(concurrency, duration, worker -> {
        bind(statements[worker], worker);
        return statements[worker].executeUpdate() == 1;
      });
    } finally {
      for (Connection c : connections) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", user, password);
  }

  private static void bind(PreparedStatement ps, int i) throws Exception {
    Timestamp now = new Timestamp(System.currentTimeMillis());
    ps.setObject(1, TimeOrderedUuid.create());
    ps.setString(2, "Item " + i);
    ps.setString(3, "Content of item " + i);
    ps.setTimestamp(4, now);
    ps.setTimestamp(5, now);
  }
}
