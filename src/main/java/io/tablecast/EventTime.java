package io.tablecast;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When an event happens, at the precision PostgreSQL keeps (microseconds): the time an event
 * carries must survive the round trip to a read table exactly, so a rebuild reproduces it.
 */
public final class EventTime {
  private EventTime() {}

  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
