package io.tablecast;

import io.tablecast.metrics.Metrics;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an entity reports about the commands it handles, at DEBUG on the logger
 * {@code io.tablecast.entities}: one line per persisted event (persistence id, sequence number,
 * event type, and the command's request id in the MDC) and one per rejected command. Persisted
 * events are also counted per aggregate type ({@code tablecast_events_persisted_total}).
 *
 * <p>The projection that writes the event logs the same persistence id and sequence number (MDC
 * {@code persistence_id}, {@code sequence_nr}), which ties a request to its read-side work.
 */
public final class EntityLog {
  private static final Logger log = LoggerFactory.getLogger("io.tablecast.entities");
  /** MDC keys that name an event on both sides (entity and projection), to join their log lines. */
  public static final String PERSISTENCE_ID = "persistence_id";
  public static final String SEQUENCE_NR = "sequence_nr";

  private final String aggregate;
  private final String persistenceId;
  private final LongSupplier sequenceNr;
  private final Metrics metrics;

  /** {@code sequenceNr}: the entity's last sequence number, read after the event is persisted. */
  public EntityLog(String aggregate, String persistenceId, LongSupplier sequenceNr, Metrics metrics) {
    this.aggregate = aggregate;
    this.persistenceId = persistenceId;
    this.sequenceNr = sequenceNr;
    this.metrics = metrics;
  }

  /** Called once the event is in the journal ({@code requestId} may be null). */
  public void persisted(Object event, String requestId) {
    metrics.eventPersisted(aggregate);
    if (!log.isDebugEnabled()) {
      return;
    }
    // The entity runs this on the journal's answer, another message than the command's, so the
    // request id is put in the MDC here.
    long sequenceNr = this.sequenceNr.getAsLong();
    LogContext.with(eventContext(persistenceId, sequenceNr, requestId), () -> {
      log.debug("Persisted {} #{} {}", persistenceId, sequenceNr, event.getClass().getSimpleName());
      return null;
    });
  }

  /** The MDC entries that name an event (and the request behind it, when known) on both sides. */
  public static Map<String, String> eventContext(String persistenceId, long sequenceNr, String requestId) {
    Map<String, String> entries = new HashMap<>();
    entries.put(PERSISTENCE_ID, persistenceId);
    entries.put(SEQUENCE_NR, Long.toString(sequenceNr));
    entries.put(Traced.MDC_KEY, requestId);
    return entries;
  }

  /** Called while the entity handles the command (its request id is in the MDC then). */
  public void rejected(Object reason, String message) {
    log.debug("Rejected a command to {}: {} ({})", persistenceId, reason, message);
  }
}
