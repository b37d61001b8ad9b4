package io.tablecast.projection;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a batch handler so that a failed batch names the event it failed on: the batch is rolled
 * back (to a savepoint after the offset update) and replayed one event at a time in the same
 * transaction. If every event then succeeds (the failure came from the batch, not an event), the
 * batch commits with its offset; otherwise the first failing event is reported in an
 * {@link EventFailure}. Events are never skipped: the offset only moves when every event of the
 * batch is written. Events the instance has already committed (a batch retried after its stream
 * restarted, see {@link PooledJdbcSession}) are not written again. A written batch is handed to
 * {@code written} (to be counted once its offset commits).
 */
final class EventLocatingHandler<E> extends JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(EventLocatingHandler.class);

  private final JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> delegate;
  private final Consumer<List<EventEnvelope<E>>> written;

  EventLocatingHandler(
      JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> delegate, Consumer<List<EventEnvelope<E>>> written) {
    this.delegate = delegate;
    this.written = written;
  }

  @Override
  public void start() {
    delegate.start();
  }

  @Override
  public void stop() {
    delegate.stop();
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<E>> batch) throws Exception {
    List<EventEnvelope<E>> envelopes = session.uncommitted(batch);
    if (envelopes.isEmpty()) {
      session.keepCommittedOffset();
      log.info("Projection {}: a retried batch up to offset {} is behind the committed offset {}; nothing written",
          session.instance(), JournalCatchUp.ordering(batch.get(batch.size() - 1).offset()), session.committedOrdering());
      return;
    }
    if (envelopes.size() < batch.size()) {
      log.info("Projection {}: {} events of a batch were committed already (up to offset {}); writing the {} after them",
          session.instance(), batch.size() - envelopes.size(), session.committedOrdering(), envelopes.size());
    }
    Savepoint beforeBatch = envelopes.size() > 1 ? session.savepoint() : null;
    try {
      delegate.process(session, envelopes);
      written.accept(envelopes);
      return;
    } catch (Exception batchFailure) {
      if (beforeBatch == null) {
        throw failure(envelopes.get(0), batchFailure);
      }
      try {
        session.rollbackTo(beforeBatch);
      } catch (SQLException rollbackFailure) {
        batchFailure.addSuppressed(rollbackFailure);
        throw batchFailure;
      }
    }
    for (EventEnvelope<E> envelope : envelopes) {
      try {
        delegate.process(session, List.of(envelope));
      } catch (Exception e) {
        session.rollback();
        throw failure(envelope, e);
      }
    }
    written.accept(envelopes);
  }

  private static EventFailure failure(EventEnvelope<?> envelope, Exception e) {
    return new EventFailure(envelope.persistenceId(), envelope.sequenceNr(), e);
  }
}
