package io.tablecast.projection;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import io.tablecast.Settings;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import scala.concurrent.ExecutionContextExecutor;

/**
 * This node's projections at work: every kept generation running, rebuilds scheduled and switched
 * in, instances paused and resumed, status measured. What the admin API acts on.
 */
public record ReadSide(
    List<ReadProjection<?>> projections,
    RebuildScheduler rebuilds,
    Switchover switchover,
    ProjectionInstances instances,
    StatusReport statuses) {

  /**
   * Starts the runners of every kept generation, the periodic look at the registry and the
   * periodic measurements. Rows are written through {@code dataSource}; instances catching up read
   * the journal through {@code journalReads}.
   */
  public static ReadSide start(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads,
      List<ReadProjection<?>> projections) throws SQLException {
    GenerationRegistry registry = new GenerationRegistry(dataSource);
    ProjectionMonitor monitor = new ProjectionMonitor(dataSource, settings.projections().slices());
    // The looks at the registry and the measurements block on JDBC.
    ExecutionContextExecutor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("tablecast-jdbc-dispatcher"));
    Switchover switchover = new Switchover(settings, dataSource, registry, monitor);
    ProjectionInstances instances = new ProjectionInstances(system, settings, registry, monitor);
    RebuildScheduler rebuilds = RebuildScheduler.start(
        system, settings, dataSource, journalReads, projections, registry, monitor, switchover, instances, jdbc);
    StatusReport statuses = StatusReport.start(system, settings, projections, registry, monitor, jdbc);
    return new ReadSide(projections, rebuilds, switchover, instances, statuses);
  }

  public Optional<ReadProjection<?>> projection(String name) {
    return projections.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
