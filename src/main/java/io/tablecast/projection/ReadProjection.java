package io.tablecast.projection;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.util.List;
import java.util.function.Function;

/**
 * A named projection: the events it reads (tags {@code <tagPrefix>-0..n-1}), the read tables it
 * owns (db/read/&lt;name&gt;), the handler that writes a batch of events into one generation of
 * those tables (the handler gets the generation's schema), and the handler's version.
 *
 * <p>The version is bumped when the handler writes different rows for the same events (a new
 * derivation, a fix): each generation records the version it was built with, and a live
 * generation built with another version than the code's needs a rebuild ({@code db check} and
 * {@code projections list} say so). A migration alone needs no bump: it changes the tables of
 * every kept generation in place.
 */
public record ReadProjection<E>(
    String name,
    String tagPrefix,
    int version,
    Function<String, JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession>> handlerForSchema) {

  public ReadProjection {
    if (version < 1) {
      throw new IllegalArgumentException("projection " + name + ": version must be at least 1, not " + version);
    }
  }

  public String tag(int slice) {
    return tagPrefix + "-" + slice;
  }

  public String projectionName(int generation) {
    return name + "-g" + generation;
  }
}
