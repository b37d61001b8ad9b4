package io.tablecast.projection;

import akka.Done;
import akka.actor.Cancellable;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.projection.ProjectionId;
import akka.projection.javadsl.ProjectionManagement;
import io.tablecast.Settings;
import io.tablecast.Settings.Operations;
import io.tablecast.metrics.Metrics;
import io.tablecast.projection.Generations.Generation;
import io.tablecast.projection.Generations.Refused;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Blue/green rebuilds, cluster-wide, with the registry (journal.projection_generation) as the
 * source of truth. Every node runs one: it starts the runners of every kept generation (building,
 * live and retired alike, so that instances spread over the cluster and a crashed rebuild resumes
 * from its committed offsets), and it switches a building generation in once it has caught up.
 * Rebuild, switch and drop take a per-projection advisory lock in PostgreSQL, so whichever node
 * acts, each happens once.
 *
 * <p>Retired generations keep following the journal (ShardedDaemonProcess cannot be stopped in
 * Akka 2.8 anyway): a switch back is instant and never shows stale rows. Dropping a generation
 * pauses its instances for good.
 */
public final class RebuildCoordinator {
  private static final Logger log = LoggerFactory.getLogger(RebuildCoordinator.class);

  private final ActorSystem<?> system;
  private final Settings settings;
  private final DataSource dataSource;
  private final DataSource journalReads;
  private final List<ReadProjection<?>> projections;
  private final Generations generations;
  private final ProjectionMonitor monitor;
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private volatile List<ProjectionStatus> measured = List.of();
  private final AtomicBoolean looking = new AtomicBoolean();
  private final AtomicBoolean rebuildBegun = new AtomicBoolean();
  private Cancellable nextLook; // guarded by this
  private boolean stopped; // guarded by this
  /** Where the looks at the registry and the measurements run: they block on JDBC. */
  private final ExecutionContextExecutor jdbc;

  private RebuildCoordinator(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads,
      List<ReadProjection<?>> projections) {
    this.system = system;
    this.settings = settings;
    this.dataSource = dataSource;
    this.journalReads = journalReads;
    this.projections = projections;
    this.generations = new Generations(dataSource);
    this.monitor = new ProjectionMonitor(dataSource, settings.projections().slices());
    this.jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("tablecast-jdbc-dispatcher"));
  }

  /**
   * Starts the runners of every kept generation and the periodic look at the registry. Rows are
   * written through {@code dataSource}; instances catching up read the journal through {@code journalReads}.
   */
  public static RebuildCoordinator start(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads,
      List<ReadProjection<?>> projections) throws SQLException {
    RebuildCoordinator coordinator = new RebuildCoordinator(system, settings, dataSource, journalReads, projections);
    for (ReadProjection<?> projection : projections) {
      coordinator.startKept(projection);
    }
    coordinator.lookAfter(settings.operations().pollInterval());
    Duration measureEvery = settings.projectionMetricsInterval();
    Cancellable measurements = system.scheduler().scheduleWithFixedDelay(
        Duration.ZERO, measureEvery, coordinator::measureSafely, coordinator.jdbc);
    Metrics.get(system).projections(coordinator::measured);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-rebuild-coordinator", () -> {
      coordinator.stop();
      measurements.cancel();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return coordinator;
  }

  private synchronized void stop() {
    stopped = true;
    if (nextLook != null) {
      nextLook.cancel();
    }
  }

  public List<ReadProjection<?>> projections() {
    return projections;
  }

  public Optional<ReadProjection<?>> projection(String name) {
    return projections.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  public ProjectionMonitor monitor() {
    return monitor;
  }

  public Generations generations() {
    return generations;
  }

  /** Starts a rebuild: a new building generation, migrated and running from offset zero. */
  public Generation rebuild(ReadProjection<?> projection, boolean verify) throws SQLException, Refused {
    Generations.Begun begun = generations.begin(projection.name(), verify);
    Generation next = begun.generation();
    log.info("Rebuilding {} into generation {} (schema {}); indexes and foreign keys built after the catch-up: {}",
        projection.name(), next.generation(), next.schema(), begun.deferred());
    ensureStarted(projection, next);
    rebuildBegun.set(true);
    lookAfter(settings.operations().catchUpPollInterval());
    return next;
  }

  /** Switches readers to a kept generation ("downgrade" when it is an older one). */
  public void switchTo(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    Generation target = generations.list(projection.name()).stream().filter(g -> g.generation() == generation)
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
    generations.switchTo(projection.name(), generation);
    log.info("Switched {} to generation {}", projection.name(), generation);
  }

  public void drop(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    List<String> keys = monitor.keys(projection);
    Optional<Generation> target =
        generations.list(projection.name()).stream().filter(g -> g.generation() == generation).findFirst();
    if (target.isPresent() && !target.get().state().equals(Generation.LIVE)) {
      // Stop the running instances before their tables go; the registry marks them paused too.
      try {
        manage(List.of(target.get()), keys, true);
      } catch (RuntimeException e) {
        log.warn("Could not pause {} before dropping it: {}", target.get().projectionId(), e.toString());
      }
    }
    generations.drop(projection.name(), generation, keys);
    log.info("Dropped generation {} of {}", generation, projection.name());
  }

  /** Pauses (or resumes) every instance of every kept generation of a projection. */
  public void pause(ReadProjection<?> projection, boolean paused) throws SQLException {
    manage(generations.list(projection.name()), monitor.keys(projection), paused);
  }

  private void manage(List<Generation> kept, List<String> keys, boolean paused) {
    ProjectionManagement management = ProjectionManagement.get(system);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Generation g : kept) {
      for (String key : keys) {
        ProjectionId id = ProjectionId.of(g.projectionId(), key);
        all.add((paused ? management.pause(id) : management.resume(id)).toCompletableFuture());
      }
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(settings.operations().managementTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("projection instances did not answer " + (paused ? "pause" : "resume") + ": " + e, e);
    }
  }

  /** What GET /admin/projections shows for one projection. */
  public ProjectionStatus status(ReadProjection<?> projection) throws SQLException {
    List<Generation> kept = generations.list(projection.name());
    Generation live = kept.stream().filter(g -> g.state().equals(Generation.LIVE)).findFirst()
        .orElseThrow(() -> new IllegalStateException("projection " + projection.name() + " has no live generation"));
    Optional<Generation> building = kept.stream().filter(g -> g.state().equals(Generation.BUILDING)).findFirst();
    List<ProjectionStatus.GenerationInfo> infos = new ArrayList<>();
    ProjectionMonitor.Progress liveProgress = null;
    ProjectionStatus.Rebuild rebuild = null;
    Map<Generation, ProjectionMonitor.Progress> progress = monitor.progress(projection, kept);
    for (Generation g : kept) {
      ProjectionMonitor.Progress p = progress.get(g);
      infos.add(new ProjectionStatus.GenerationInfo(g.generation(), g.state(), p.eventsDone(), p.lagEvents(), g.createdAt(), g.switchedAt()));
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
        projection.name(), live.generation(), state, liveProgress.lagEvents(), liveProgress.lagSeconds(),
        monitor.rate(live), liveProgress.eventsTotal(), liveProgress.slices(), failure, rebuild, List.copyOf(infos));
  }

  private void startKept(ReadProjection<?> projection) throws SQLException {
    for (Generation g : generations.list(projection.name())) {
      ensureStarted(projection, g);
    }
  }

  /** Migrates a generation's schema and starts its runner on this node, once. */
  private void ensureStarted(ReadProjection<?> projection, Generation generation) {
    if (started.contains(generation.projectionId())) {
      return;
    }
    synchronized (started) {
      if (started.contains(generation.projectionId())) {
        return;
      }
      generations.migrate(projection.name(), generation.generation());
      ProjectionRunner.start(system, settings, dataSource, journalReads, projection, generation.generation(),
          generation.state().equals(Generation.BUILDING));
      started.add(generation.projectionId());
    }
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

  /**
   * Schedules the next look at the registry in place of the one pending. Each look schedules the
   * next: after catch-up-poll-interval while a generation is building, so that its switch follows
   * its catch-up closely, else after poll-interval. One look at a time: one that comes due while
   * another runs leaves the scheduling to that one.
   */
  private synchronized void lookAfter(Duration delay) {
    if (stopped) {
      return;
    }
    if (nextLook != null) {
      nextLook.cancel();
    }
    nextLook = system.scheduler().scheduleOnce(delay, this::look, jdbc);
  }

  private void look() {
    if (!looking.compareAndSet(false, true)) {
      return;
    }
    boolean building = false;
    try {
      building = tickSafely();
    } finally {
      looking.set(false);
      Operations operations = settings.operations();
      boolean begun = rebuildBegun.getAndSet(false); // here, perhaps after this look read the registry
      lookAfter(building || begun ? operations.catchUpPollInterval() : operations.pollInterval());
    }
  }

  /** Looks at every projection's generations; whether one of them is building. */
  private boolean tickSafely() {
    boolean building = false;
    for (ReadProjection<?> projection : projections) {
      try {
        building |= tick(projection);
      } catch (Exception e) {
        log.warn("Looking at the generations of {} failed; trying again in {}", projection.name(),
            settings.operations().pollInterval(), e);
      }
    }
    return building;
  }

  private boolean tick(ReadProjection<?> projection) throws SQLException {
    List<Generation> kept = generations.list(projection.name());
    for (Generation g : kept) {
      ensureStarted(projection, g);
    }
    Optional<Generation> building = kept.stream().filter(g -> g.state().equals(Generation.BUILDING)).findFirst();
    Optional<Generation> live = kept.stream().filter(g -> g.state().equals(Generation.LIVE)).findFirst();
    if (building.isPresent() && live.isPresent()) {
      considerSwitch(projection, building.get(), live.get());
    }
    return building.isPresent();
  }

  private void considerSwitch(ReadProjection<?> projection, Generation building, Generation live) throws SQLException {
    long switchAt = settings.operations().switchAtLagEvents();
    if (monitor.behindByMoreThan(projection, building, switchAt)) {
      return;
    }
    if (buildDeferred(projection, building.generation()) > 0
        && monitor.behindByMoreThan(projection, building, switchAt)) {
      return; // writes came in meanwhile: switches on a next look, once caught up again
    }
    if (building.verify()) {
      if (building.verifyResult() != null) {
        return; // refused before: stays building until dropped
      }
      Optional<String> difference = compare(projection, live, building);
      if (difference == null) {
        return; // not comparable yet: the two generations stand at different offsets
      }
      if (difference.isPresent()) {
        log.warn("Not switching {} to generation {}: {}", projection.name(), building.generation(), difference.get());
        generations.verified(projection.name(), building.generation(), difference.get());
        return;
      }
    }
    try {
      goLive(projection, building.generation());
      dropBeyondRetention(projection);
    } catch (Refused e) {
      log.info("Not switching {}: {}", projection.name(), e.getMessage());
    }
  }

  /** Builds the deferred indexes and foreign keys a building generation still lacks (on several connections); how many. */
  private int buildDeferred(ReadProjection<?> projection, int generation) throws SQLException {
    long start = System.nanoTime();
    int built = generations.buildDeferred(projection.name(), generation,
        settings.operations().indexBuildMemoryBytes(), settings.operations().indexBuildConnections());
    if (built > 0) {
      log.info("Rebuild of {} caught up: built the {} deferred indexes and foreign keys of generation {} in {} ms", projection.name(), built,
          generation, (System.nanoTime() - start) / 1_000_000);
    }
    return built;
  }

  /**
   * Makes a building generation live, its indexes built: its tables are vacuumed and analyzed
   * first ({@link Generations#vacuumAnalyze}), whether the switch is the rebuild's own or asked for.
   */
  private void goLive(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    long start = System.nanoTime();
    generations.vacuumAnalyze(projection.name(), generation);
    long vacuumMillis = (System.nanoTime() - start) / 1_000_000;
    generations.switchTo(projection.name(), generation);
    log.info("Rebuild of {} caught up: generation {} is live (vacuumed and analyzed in {} ms)", projection.name(),
        generation, vacuumMillis);
  }

  private void dropBeyondRetention(ReadProjection<?> projection) throws SQLException {
    List<Generation> retired = generations.list(projection.name()).stream()
        .filter(g -> g.state().equals(Generation.RETIRED))
        .sorted((a, b) -> Integer.compare(b.generation(), a.generation()))
        .toList();
    for (Generation g : retired.subList(Math.min(retired.size(), settings.operations().retainRetired()), retired.size())) {
      try {
        drop(projection, g.generation());
      } catch (Refused e) {
        log.info("Keeping generation {} of {}: {}", g.generation(), projection.name(), e.getMessage());
      }
    }
  }

  /**
   * Compares two generations' tables (row count and checksum) in one snapshot, but only when both
   * stand at the same offsets: then equal handlers must have written equal rows. Returns null when
   * they are not comparable yet, empty when equal, or the difference.
   */
  Optional<String> compare(ReadProjection<?> projection, Generation a, Generation b) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        Map<String, Long> offsetsA = ProjectionMonitor.offsets(c, a.projectionId());
        Map<String, Long> offsetsB = ProjectionMonitor.offsets(c, b.projectionId());
        if (!offsetsA.equals(offsetsB)) {
          return null;
        }
        List<String> tablesA = generations.tables(projection.name(), a.generation());
        List<String> tablesB = generations.tables(projection.name(), b.generation());
        if (!tablesA.equals(tablesB)) {
          return Optional.of("tables differ: " + tablesA + " vs " + tablesB);
        }
        for (String table : tablesA) {
          String left = checksum(c, a.schema(), table);
          String right = checksum(c, b.schema(), table);
          if (!left.equals(right)) {
            return Optional.of("table " + table + " differs (rows/checksum " + left + " in generation " + a.generation()
                + ", " + right + " in generation " + b.generation() + ")");
          }
        }
        return Optional.empty();
      } finally {
        c.rollback();
      }
    }
  }

  private static String checksum(Connection c, String schema, String table) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) || '/' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '-') FROM "
                    + schema + "." + table + " t");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }
}
