package io.tablecast.projection;

import akka.japi.function.Function;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.JdbcSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import javax.sql.DataSource;

/**
 * One transaction on a pooled connection: a batch's rows and its offset commit together.
 *
 * <p>The session of an exactly-once projection instance ({@link #ofInstance}) begins by locking the
 * instance's offset row and reading the offset committed before it, so that a batch behind it
 * writes nothing ({@link #uncommitted}). Such a batch exists: akka-projection retries a failed
 * batch on a timer that outlives the stream, and when the stream fails meanwhile (the database
 * went away) and restarts from the committed offset, the old retry can run after the new stream
 * has committed later batches. Written, it would put older rows over newer ones and move the
 * offset back. The lock makes the two transactions take turns, so each sees what the other
 * committed.
 */
public final class PooledJdbcSession implements JdbcSession {
  private static final String LOCK_OFFSET = "SELECT current_offset, manifest, mergeable, last_updated"
      + " FROM journal.akka_projection_offset_store WHERE projection_name = ? AND projection_key = ? FOR UPDATE";
  private static final String RESTORE_OFFSET = "UPDATE journal.akka_projection_offset_store"
      + " SET current_offset = ?, manifest = ?, mergeable = ?, last_updated = ? WHERE projection_name = ? AND projection_key = ?";
  private static final String SEQUENCE_MANIFEST = "SEQ";

  /** The instance's offset row as this transaction found it. */
  private record CommittedOffset(String offset, String manifest, boolean mergeable, long lastUpdated) {
    long ordering() {
      if (!SEQUENCE_MANIFEST.equals(manifest)) {
        throw new IllegalStateException("eventsByTag offsets are sequences, not " + manifest + " " + offset);
      }
      return Long.parseLong(offset);
    }
  }

  private final Connection connection;
  private final ProjectionId instance;
  private final CommittedOffset committed;

  /** A transaction that knows nothing of offsets (an at-least-once handler's). */
  public PooledJdbcSession(DataSource dataSource) {
    this(dataSource, null);
  }

  private PooledJdbcSession(DataSource dataSource, ProjectionId instance) {
    try {
      this.connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("no database connection for the projection", e);
    }
    this.instance = instance;
    try {
      connection.setAutoCommit(false);
      this.committed = instance == null ? null : lockOffset(connection, instance);
    } catch (SQLException e) {
      close(connection, e);
      throw new IllegalStateException("could not begin the projection's transaction", e);
    }
  }

  /** The transaction of one batch of an exactly-once instance: it holds the instance's offset row until it ends. */
  static PooledJdbcSession ofInstance(DataSource dataSource, ProjectionId instance) {
    return new PooledJdbcSession(dataSource, instance);
  }

  private static CommittedOffset lockOffset(Connection connection, ProjectionId instance) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(LOCK_OFFSET)) {
      ps.setString(1, instance.name());
      ps.setString(2, instance.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new CommittedOffset(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)) : null;
      }
    }
  }

  ProjectionId instance() {
    return instance;
  }

  /** The envelopes after the offset committed when this transaction began: the ones still to write. */
  <E> List<EventEnvelope<E>> uncommitted(List<EventEnvelope<E>> envelopes) {
    if (committed == null || JournalCatchUp.ordering(envelopes.get(0).offset()) > committed.ordering()) {
      return envelopes;
    }
    long after = committed.ordering();
    return envelopes.stream().filter(e -> JournalCatchUp.ordering(e.offset()) > after).toList();
  }

  /** The offset committed when this transaction began, as an ordering. */
  long committedOrdering() {
    return committed == null ? 0 : committed.ordering();
  }

  /**
   * Puts the instance's offset row back as this transaction found it: akka-projection updates the
   * offset to the batch's end before the handler runs, which for a batch behind it is a step back.
   */
  void keepCommittedOffset() throws SQLException {
    if (committed == null) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(RESTORE_OFFSET)) {
      ps.setString(1, committed.offset());
      ps.setString(2, committed.manifest());
      ps.setBoolean(3, committed.mergeable());
      ps.setLong(4, committed.lastUpdated());
      ps.setString(5, instance.name());
      ps.setString(6, instance.key());
      ps.executeUpdate();
    }
  }

  Savepoint savepoint() throws SQLException {
    return connection.setSavepoint();
  }

  /** Undoes what followed the savepoint; the offset update and the row lock before it stay. */
  void rollbackTo(Savepoint savepoint) throws SQLException {
    connection.rollback(savepoint);
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static void close(Connection connection, SQLException cause) {
    try {
      connection.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
