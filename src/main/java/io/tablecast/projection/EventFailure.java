package io.tablecast.projection;

/** A handler failed on this event: which aggregate, which sequence number, and why. */
public final class EventFailure extends RuntimeException {
  private final String persistenceId;
  private final long sequenceNr;

  public EventFailure(String persistenceId, long sequenceNr, Throwable cause) {
    super("failed on event " + persistenceId + " #" + sequenceNr + ": " + cause, cause);
    this.persistenceId = persistenceId;
    this.sequenceNr = sequenceNr;
  }

  public String persistenceId() {
    return persistenceId;
  }

  public long sequenceNr() {
    return sequenceNr;
  }

  /** The EventFailure in a cause chain, if there is one. */
  public static EventFailure in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EventFailure f) {
        return f;
      }
    }
    return null;
  }
}
