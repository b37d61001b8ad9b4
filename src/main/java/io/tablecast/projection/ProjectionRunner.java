package io.tablecast.projection;

import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Offset;
import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.jdbc.javadsl.JdbcProjection;
import io.tablecast.Settings;
import io.tablecast.cluster.DaemonProcesses;
import io.tablecast.metrics.Metrics;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one generation of a projection as {@code slices} instances, one per event tag, spread over
 * the cluster by a ShardedDaemonProcess. Each instance commits a batch of rows and its offset in one
 * transaction (exactly-once).
 */
public final class ProjectionRunner {
  private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);

  private ProjectionRunner() {}

  /**
   * {@code building}: a generation built from zero (a rebuild) commits in the bigger rebuild
   * batches. Rows are written through {@code dataSource}; far-behind instances read the journal
   * through {@code journalReads}.
   */
  public static <E> void start(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads, ReadProjection<E> projection,
      int generation, boolean building) {
    String schema = Generation.schema(projection.name(), generation);
    DaemonProcesses.get(system).init(
        ProjectionBehavior.Command.class,
        projection.projectionName(generation),
        settings.projections().slices(),
        slice -> ProjectionBehavior.create(
            instance(system, settings, dataSource, journalReads, projection, generation, schema, slice, building)),
        ProjectionBehavior.stopMessage());
  }

  private static <E> GroupedProjection<Offset, EventEnvelope<E>> instance(
      ActorSystem<?> system,
      Settings settings,
      DataSource dataSource,
      DataSource journalReads,
      ReadProjection<E> projection,
      int generation,
      String schema,
      int slice,
      boolean building) {
    String tag = projection.tag(slice);
    ProjectionId id = ProjectionId.of(projection.projectionName(generation), tag);
    Metrics metrics = Metrics.get(system);
    // A live generation that just took a journal's worth of rows gets the planner's statistics
    // now, not at autovacuum's next round; a rebuild gets them before its switch.
    JournalCatchUp.CaughtUp caughtUp = building ? () -> {} : () -> {
      long began = System.nanoTime();
      new TableMaintenance(dataSource).vacuumAnalyze(projection.name(), generation);
      log.info("{} caught up from the journal: {} vacuumed and analyzed in {} ms", id.id(), schema,
          (System.nanoTime() - began) / 1_000_000);
    };
    JournalCatchUp<E> events = new JournalCatchUp<>(
        system, id, EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag), journalReads,
        settings.projections().catchUp(), caughtUp);
    CommittedEvents<E> committed = new CommittedEvents<>(new FailureRecorder<>(dataSource),
        count -> metrics.projectionEventsProcessed(projection.name(), generation, slice, count), events::committed);
    return JdbcProjection.groupedWithin(
            id,
            events,
            () -> PooledJdbcSession.ofInstance(dataSource, id),
            () -> new EventLocatingHandler<>(projection.handlerForSchema().apply(schema), committed::written),
            system)
        .withGroup(
            building ? settings.operations().rebuildGroupAfterEnvelopes() : settings.projections().groupAfterEnvelopes(),
            building ? settings.operations().rebuildGroupAfterDuration() : settings.projections().groupAfterDuration())
        // A poison event is retried a few times, then the instance fails (reported with the event)
        // and restarts from its committed offset after the restart backoff: never skipped.
        .withRecoveryStrategy(
            HandlerRecoveryStrategy.retryAndFail(
                settings.operations().handlerRetries(), settings.operations().handlerRetryDelay()))
        .withStatusObserver(committed);
  }
}
