package io.tablecast.projection;

import io.tablecast.Settings;
import io.tablecast.projection.GenerationRegistry.Refused;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a generation live: when an operator asks (a "downgrade" when it is an older one), and when
 * a rebuild has caught up (see {@link RebuildScheduler}). A building generation goes live with its
 * deferred indexes built and its tables vacuumed and analyzed; then {@link ReadViews#switchTo}
 * switches registry and views in one transaction.
 */
public final class Switchover {
  private static final Logger log = LoggerFactory.getLogger(Switchover.class);

  private final Settings settings;
  private final GenerationRegistry registry;
  private final ProjectionMonitor monitor;
  private final ReadViews views;
  private final DeferredIndexes deferredIndexes;
  private final TableMaintenance maintenance;

  Switchover(Settings settings, DataSource dataSource, GenerationRegistry registry, ProjectionMonitor monitor) {
    this.settings = settings;
    this.registry = registry;
    this.monitor = monitor;
    this.views = new ReadViews(dataSource);
    this.deferredIndexes = new DeferredIndexes(dataSource);
    this.maintenance = new TableMaintenance(dataSource);
  }

  /** Switches readers to a kept generation, once it has caught up with the journal. */
  public void switchTo(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    Generation target = registry.list(projection.name()).stream().filter(g -> g.generation() == generation)
        .findFirst()
        .orElseThrow(() -> new Refused("projection " + projection.name() + " has no generation " + generation, true));
    if (target.state().equals(Generation.LIVE)) {
      return;
    }
    ProjectionMonitor.Progress progress = monitor.progress(projection, target);
    if (progress.lagEvents() > settings.operations().switchAtLagEvents()) {
      throw new Refused("generation " + generation + " of " + projection.name() + " is " + progress.lagEvents()
          + " events behind; retry when it has caught up", false);
    }
    if (target.state().equals(Generation.BUILDING)) {
      buildDeferred(projection, generation);
      goLive(projection, generation);
      return;
    }
    views.switchTo(projection.name(), generation);
    log.info("Switched {} to generation {}", projection.name(), generation);
  }

  /** Builds the deferred indexes and foreign keys a building generation still lacks (on several connections); how many. */
  int buildDeferred(ReadProjection<?> projection, int generation) throws SQLException {
    long start = System.nanoTime();
    int built = deferredIndexes.build(projection.name(), generation,
        settings.operations().indexBuildMemoryBytes(), settings.operations().indexBuildConnections());
    if (built > 0) {
      log.info("Rebuild of {} caught up: built the {} deferred indexes and foreign keys of generation {} in {} ms", projection.name(), built,
          generation, (System.nanoTime() - start) / 1_000_000);
    }
    return built;
  }

  /**
   * Makes a building generation live, its indexes built: its tables are vacuumed and analyzed
   * first ({@link TableMaintenance#vacuumAnalyze}), whether the switch is the rebuild's own or asked for.
   */
  void goLive(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    long start = System.nanoTime();
    maintenance.vacuumAnalyze(projection.name(), generation);
    long vacuumMillis = (System.nanoTime() - start) / 1_000_000;
    views.switchTo(projection.name(), generation);
    log.info("Rebuild of {} caught up: generation {} is live (vacuumed and analyzed in {} ms)", projection.name(),
        generation, vacuumMillis);
  }
}
