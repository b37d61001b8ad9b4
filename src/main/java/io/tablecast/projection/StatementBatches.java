package io.tablecast.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * JDBC batching that keeps event order: consecutive rows for the same statement go in one batch;
 * a different statement first flushes the batch before it. A run of Created events during
 * catch-up becomes one multi-row insert (the pool sets reWriteBatchedInserts).
 */
public final class StatementBatches implements AutoCloseable {
  @FunctionalInterface
  public interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  private final Connection connection;
  private String sql;
  private PreparedStatement statement;

  public StatementBatches(Connection connection) {
    this.connection = connection;
  }

  public void add(String sql, Binder binder) throws SQLException {
    if (!sql.equals(this.sql)) {
      flush();
      this.sql = sql;
      this.statement = connection.prepareStatement(sql);
    }
    binder.bind(statement);
    statement.addBatch();
  }

  private void flush() throws SQLException {
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
    flush();
  }
}
