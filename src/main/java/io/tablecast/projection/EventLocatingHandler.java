package io.tablecast.projection;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wraps a batch handler so that a failed batch names the event it failed on: the batch is rolled
 * back and replayed one event at a time in the same transaction. If every event then succeeds
 * (the failure came from the batch, not an event), the batch is kept and commits with its offset;
 * otherwise the first failing event is reported in an {@link EventFailure}. Events are never
 * skipped: the offset only moves when every event of the batch is written. A written batch is
 * handed to {@code written} (to be counted once its offset commits).
 */
final class EventLocatingHandler<E> extends JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> {
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
  public void process(PooledJdbcSession session, List<EventEnvelope<E>> envelopes) throws Exception {
    try {
      delegate.process(session, envelopes);
      written.accept(envelopes);
      return;
    } catch (Exception batchFailure) {
      if (envelopes.size() == 1) {
        throw failure(envelopes.get(0), batchFailure);
      }
      session.rollback();
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
