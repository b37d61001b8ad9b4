package io.tablecast.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JDBC batching that keeps event order where it matters.
 *
 * <p>Statements added with a row key (one row each, e.g. by primary key) are written in waves:
 * wave k holds the k-th statement of every row, and within a wave the statements are grouped by
 * SQL into one batch each. Statements on the same row keep their order; statements on different
 * rows commute. During a catch-up, a batch of thousands of Created/Updated events becomes a
 * handful of round trips (inserts become multi-row inserts: the pool sets reWriteBatchedInserts)
 * and writes exactly the rows that one statement per event would.
 *
 * <p>Statements added without a key are barriers: everything before them is written first;
 * consecutive ones with the same SQL share a batch.
 */
public final class StatementBatches implements AutoCloseable {
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private record Keyed(String sql, Object key, Binder binder) {}

  private final Connection connection;
  private final List<Keyed> keyed = new ArrayList<>();
  private String sql;
  private PreparedStatement statement;

  public StatementBatches(Connection connection) {
    this.connection = connection;
  }

  /** A statement that touches only the row identified by {@code key}. */
  public void add(String sql, Object key, Binder binder) throws SQLException {
    flushPlain();
    keyed.add(new Keyed(sql, key, binder));
  }

  public void add(String sql, Binder binder) throws SQLException {
    flushKeyed();
    if (!sql.equals(this.sql)) {
      flushPlain();
      this.sql = sql;
      this.statement = connection.prepareStatement(sql);
    }
    binder.bind(statement);
    statement.addBatch();
  }

  private void flushKeyed() throws SQLException {
    if (keyed.isEmpty()) {
      return;
    }
    Map<Object, Integer> statementsPerRow = new HashMap<>();
    List<Map<String, List<Keyed>>> waves = new ArrayList<>();
    for (Keyed k : keyed) {
      int wave = statementsPerRow.merge(k.key(), 1, Integer::sum) - 1;
      if (wave == waves.size()) {
        waves.add(new LinkedHashMap<>());
      }
      waves.get(wave).computeIfAbsent(k.sql(), s -> new ArrayList<>()).add(k);
    }
    keyed.clear();
    for (Map<String, List<Keyed>> wave : waves) {
      for (Map.Entry<String, List<Keyed>> batch : wave.entrySet()) {
        try (PreparedStatement ps = connection.prepareStatement(batch.getKey())) {
          for (Keyed k : batch.getValue()) {
            k.binder().bind(ps);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
    }
  }

  private void flushPlain() throws SQLException {
    if (statement != null) {
      try (PreparedStatement s = statement) {
        s.executeBatch();
      } finally {
        statement = null;
        sql = null;
      }
    }
  }

  /** Executes what is left; the caller's transaction commits it together with the offset. */
  @Override
  public void close() throws SQLException {
    flushPlain();
    flushKeyed();
  }
}
