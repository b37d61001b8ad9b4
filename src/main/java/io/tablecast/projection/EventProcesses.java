package io.tablecast.projection;

import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.jdbc.javadsl.JdbcHandler;
import akka.projection.jdbc.javadsl.JdbcProjection;
import io.tablecast.cluster.DaemonProcesses;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Processes that react to one aggregate's events by commanding another (a category's deletion
 * detaches its items, a user's deletion takes their profile): a projection with no read table,
 * its own offset, and one instance in the cluster. The offset is saved after every event, once the
 * handler has returned, so a crash repeats at most the event in hand: handlers send idempotent
 * commands.
 */
public final class EventProcesses {
  private EventProcesses() {}

  /** Runs {@code handler} over the events of {@code tag}, one instance in the cluster, under {@code name}. */
  public static <E> void startOnce(ActorSystem<?> system, String name, String tag, DataSource dataSource,
      Supplier<JdbcHandler<EventEnvelope<E>, PooledJdbcSession>> handler) {
    DaemonProcesses.get(system).init(
        ProjectionBehavior.Command.class,
        name,
        1,
        i -> ProjectionBehavior.create(JdbcProjection.atLeastOnce(
                ProjectionId.of(name, tag),
                EventSourcedProvider.<E>eventsByTag(system, JdbcReadJournal.Identifier(), tag),
                () -> new PooledJdbcSession(dataSource),
                handler::get,
                system)
            .withSaveOffset(1, Duration.ZERO)),
        ProjectionBehavior.stopMessage());
  }
}
