package io.tablecast.projection;

import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionId;
import akka.projection.StatusObserver;
import akka.projection.eventsourced.EventEnvelope;
import io.tablecast.EntityLog;
import io.tablecast.LogContext;
import io.tablecast.Traced;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one projection instance committed: the handler hands over each batch it wrote, and once the
 * batch's offset is committed (in the same transaction as its rows) the events are counted and,
 * at DEBUG, logged one line each (projection, slice, persistence id, sequence number, event type,
 * and {@code request_id} in the MDC when the event carries the id of the request behind it), which
 * is how a projection's work is matched with the command that persisted the event. A batch
 * rolled back (handler error, restart) is forgotten, so retried events are not counted twice.
 * Each committed offset is also handed to {@code progress}. Decorates the instance's other observer.
 */
final class CommittedEvents<E> extends StatusObserver<EventEnvelope<E>> {
  /** Its own logger name, so operators can turn the per-event lines on alone. */
  static final Logger log = LoggerFactory.getLogger("io.tablecast.projection.events");

  private final StatusObserver<EventEnvelope<E>> delegate;
  private final LongConsumer count;
  private final Consumer<EventEnvelope<E>> progress;
  private final List<List<EventEnvelope<E>>> pending = new ArrayList<>();

  CommittedEvents(StatusObserver<EventEnvelope<E>> delegate, LongConsumer count, Consumer<EventEnvelope<E>> progress) {
    this.delegate = delegate;
    this.count = count;
    this.progress = progress;
  }

  /** The handler wrote this batch; its transaction has not committed yet. */
  synchronized void written(List<EventEnvelope<E>> batch) {
    pending.add(batch);
  }

  private synchronized List<List<EventEnvelope<E>>> takePending() {
    List<List<EventEnvelope<E>>> batches = List.copyOf(pending);
    pending.clear();
    return batches;
  }

  @Override
  public void offsetProgress(ProjectionId id, EventEnvelope<E> envelope) {
    long events = 0;
    for (List<EventEnvelope<E>> batch : takePending()) {
      events += batch.size();
      if (log.isDebugEnabled()) {
        batch.forEach(e -> logCommitted(id, e));
      }
    }
    if (events > 0) {
      count.accept(events);
    }
    progress.accept(envelope);
    delegate.offsetProgress(id, envelope);
  }

  private static void logCommitted(ProjectionId id, EventEnvelope<?> e) {
    String requestId = e.event() instanceof Traced traced ? traced.requestId() : null;
    LogContext.with(EntityLog.eventContext(e.persistenceId(), e.sequenceNr(), requestId), () -> {
      log.debug("Projection {} ({}) committed {} #{} {}", id.name(), id.key(), e.persistenceId(), e.sequenceNr(),
          e.event().getClass().getSimpleName());
      return null;
    });
  }

  @Override
  public void started(ProjectionId id) {
    takePending();
    delegate.started(id);
  }

  @Override
  public void failed(ProjectionId id, Throwable cause) {
    takePending();
    delegate.failed(id, cause);
  }

  @Override
  public void stopped(ProjectionId id) {
    takePending();
    delegate.stopped(id);
  }

  @Override
  public void beforeProcess(ProjectionId id, EventEnvelope<E> envelope) {
    delegate.beforeProcess(id, envelope);
  }

  @Override
  public void afterProcess(ProjectionId id, EventEnvelope<E> envelope) {
    delegate.afterProcess(id, envelope);
  }

  @Override
  public void error(ProjectionId id, EventEnvelope<E> envelope, Throwable cause, HandlerRecoveryStrategy recovery) {
    takePending();
    delegate.error(id, envelope, cause, recovery);
  }
}
