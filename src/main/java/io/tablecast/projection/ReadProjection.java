package io.tablecast.projection;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import java.util.List;
import java.util.function.Function;

/**
 * A named projection: the events it reads (tags {@code <tagPrefix>-0..n-1}), the read tables it
 * owns (db/read/&lt;name&gt;) and the handler that writes a batch of events into one generation
 * of those tables (the handler gets the generation's schema).
 */
public record ReadProjection<E>(
    String name,
    String tagPrefix,
    Function<String, JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession>> handlerForSchema) {

  public String tag(int slice) {
    return tagPrefix + "-" + slice;
  }

  public String projectionName(int generation) {
    return name + "-g" + generation;
  }
}
