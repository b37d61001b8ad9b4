package io.tablecast.projection;

import akka.Done;
import akka.actor.Cancellable;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import io.tablecast.Settings;
import io.tablecast.metrics.Metrics;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Where each projection stands: asked for by GET /admin/projections, and measured periodically for
 * GET /metrics, so that a scrape never queries the database.
 */
public final class StatusReport {
  private static final Logger log = LoggerFactory.getLogger(StatusReport.class);

  private final Settings settings;
  private final List<ReadProjection<?>> projections;
  private final GenerationRegistry registry;
  private final ProjectionMonitor monitor;
  private volatile List<ProjectionStatus> measured = List.of();

  private StatusReport(
      Settings settings, List<ReadProjection<?>> projections, GenerationRegistry registry, ProjectionMonitor monitor) {
    this.settings = settings;
    this.projections = projections;
    this.registry = registry;
    this.monitor = monitor;
  }

  /** Measures every projection every projection-metrics-interval, on {@code jdbc}, for GET /metrics. */
  static StatusReport start(
      ActorSystem<?> system, Settings settings, List<ReadProjection<?>> projections, GenerationRegistry registry,
      ProjectionMonitor monitor, ExecutionContextExecutor jdbc) {
    StatusReport report = new StatusReport(settings, projections, registry, monitor);
    Duration measureEvery = settings.projectionMetricsInterval();
    Cancellable measurements = system.scheduler().scheduleWithFixedDelay(
        Duration.ZERO, measureEvery, report::measureSafely, jdbc);
    Metrics.get(system).projections(report::measured);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-projection-measurements", () -> {
      measurements.cancel();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return report;
  }

  /** What GET /admin/projections shows for one projection. */
  public ProjectionStatus status(ReadProjection<?> projection) throws SQLException {
    List<Generation> kept = registry.list(projection.name());
    Generation live = kept.stream().filter(g -> g.state().equals(Generation.LIVE)).findFirst()
        .orElseThrow(() -> new IllegalStateException("projection " + projection.name() + " has no live generation"));
    Optional<Generation> building = kept.stream().filter(g -> g.state().equals(Generation.BUILDING)).findFirst();
    List<ProjectionStatus.GenerationInfo> infos = new ArrayList<>();
    ProjectionMonitor.Progress liveProgress = null;
    ProjectionStatus.Rebuild rebuild = null;
    Map<Generation, ProjectionMonitor.Progress> progress = monitor.progress(projection, kept);
    for (Generation g : kept) {
      ProjectionMonitor.Progress p = progress.get(g);
      infos.add(new ProjectionStatus.GenerationInfo(
          g.generation(), g.state(), g.version(), p.eventsDone(), p.lagEvents(), g.createdAt(), g.switchedAt()));
      if (g == live) {
        liveProgress = p;
      }
      if (building.isPresent() && g == building.get()) {
        double rate = monitor.rate(g);
        Double eta = p.lagEvents() == 0 ? Double.valueOf(0) : rate > 0 ? Double.valueOf(p.lagEvents() / rate) : null;
        rebuild = new ProjectionStatus.Rebuild(
            g.generation(), p.eventsDone(), p.eventsTotal(), rate, eta, g.verify(), g.verifyResult(), g.createdAt());
      }
    }
    List<ProjectionStatus.Failure> failures = monitor.failures(kept);
    // The live generation's failure matters most; a building one's next.
    ProjectionStatus.Failure failure = failures.stream().filter(f -> f.generation() == live.generation()).findFirst()
        .orElse(building.flatMap(b -> failures.stream().filter(f -> f.generation() == b.generation()).findFirst()).orElse(null));
    boolean paused = liveProgress.slices().stream().anyMatch(ProjectionStatus.Slice::paused);
    String state = failure != null ? ProjectionStatus.FAILED
        : paused ? ProjectionStatus.PAUSED
        : building.isPresent() ? ProjectionStatus.REBUILDING
        : ProjectionStatus.RUNNING;
    return new ProjectionStatus(
        projection.name(), live.generation(), state, projection.version(), live.version(),
        live.version() != projection.version(), liveProgress.lagEvents(), liveProgress.lagSeconds(), monitor.rate(live),
        liveProgress.eventsTotal(), liveProgress.slices(), failure, rebuild, List.copyOf(infos));
  }

  /** Every projection's status as last measured (what GET /metrics shows); never queries. */
  public List<ProjectionStatus> measured() {
    return measured;
  }

  private void measureSafely() {
    List<ProjectionStatus> statuses = new ArrayList<>();
    for (ReadProjection<?> projection : projections) {
      try {
        statuses.add(status(projection));
      } catch (Exception e) {
        log.warn("Measuring {} failed; trying again in {}: {}", projection.name(),
            settings.projectionMetricsInterval(), e.toString());
        measured.stream().filter(p -> p.name().equals(projection.name())).findFirst().ifPresent(statuses::add);
      }
    }
    measured = List.copyOf(statuses);
  }
}
