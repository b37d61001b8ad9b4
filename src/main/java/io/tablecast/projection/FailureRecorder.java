package io.tablecast.projection;

import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionId;
import akka.projection.StatusObserver;
import akka.projection.eventsourced.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the last handler failure of a projection instance (with the event it failed on) to
 * journal.projection_failure, where every node's status report sees it; clears it when the
 * instance commits progress again.
 */
final class FailureRecorder<E> extends StatusObserver<EventEnvelope<E>> {
  private static final Logger log = LoggerFactory.getLogger(FailureRecorder.class);

  private final DataSource dataSource;
  private volatile boolean mayHaveFailure = true;

  FailureRecorder(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void started(ProjectionId id) {
    mayHaveFailure = true;
    // A failure without an event (the source failed: database away, journal query timed out) is
    // over once the instance runs again; a handler failure is over only when the event commits.
    clear(id, "DELETE FROM journal.projection_failure WHERE projection_name = ? AND projection_key = ? "
        + "AND persistence_id IS NULL");
  }

  @Override
  public void failed(ProjectionId id, Throwable cause) {
    log.warn("Projection {} failed and restarts from its committed offset after a backoff: {}", id, cause.toString());
    record(id, null, cause);
  }

  @Override
  public void stopped(ProjectionId id) {}

  @Override
  public void beforeProcess(ProjectionId id, EventEnvelope<E> envelope) {}

  @Override
  public void afterProcess(ProjectionId id, EventEnvelope<E> envelope) {}

  @Override
  public void offsetProgress(ProjectionId id, EventEnvelope<E> envelope) {
    if (mayHaveFailure) {
      mayHaveFailure = !clear(id, "DELETE FROM journal.projection_failure WHERE projection_name = ? AND projection_key = ?");
    }
  }

  private boolean clear(ProjectionId id, String sql) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      log.warn("Could not clear the failure of {}: {}", id, e.toString());
      return false;
    }
  }

  @Override
  public void error(ProjectionId id, EventEnvelope<E> envelope, Throwable cause, HandlerRecoveryStrategy recovery) {
    log.warn("Projection {} handler failed: {}", id, cause.toString());
    record(id, envelope, cause);
  }

  private void record(ProjectionId id, EventEnvelope<E> envelope, Throwable cause) {
    mayHaveFailure = true;
    EventFailure located = EventFailure.in(cause);
    String persistenceId = located != null ? located.persistenceId() : envelope != null ? envelope.persistenceId() : null;
    Long sequenceNr = located != null ? Long.valueOf(located.sequenceNr()) : envelope != null ? Long.valueOf(envelope.sequenceNr()) : null;
    Throwable root = located != null && located.getCause() != null ? located.getCause() : cause;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO journal.projection_failure (projection_name, projection_key, persistence_id, sequence_number, error, failed_at) "
                  + "VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (projection_name, projection_key) DO UPDATE SET "
                  + "persistence_id = coalesce(EXCLUDED.persistence_id, projection_failure.persistence_id), "
                  + "sequence_number = coalesce(EXCLUDED.sequence_number, projection_failure.sequence_number), "
                  + "error = EXCLUDED.error, failed_at = now()")) {
        ps.setString(1, id.name());
        ps.setString(2, id.key());
        ps.setString(3, persistenceId);
        if (sequenceNr == null) {
          ps.setNull(4, java.sql.Types.BIGINT);
        } else {
          ps.setLong(4, sequenceNr);
        }
        ps.setString(5, String.valueOf(root));
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      log.warn("Could not record the failure of {}: {}", id, e.toString());
    }
  }
}
