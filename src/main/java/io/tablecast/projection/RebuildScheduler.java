package io.tablecast.projection;

import akka.Done;
import akka.actor.Cancellable;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import io.tablecast.Settings;
import io.tablecast.Settings.Operations;
import io.tablecast.projection.GenerationRegistry.Refused;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Blue/green rebuilds, cluster-wide, with the registry as the source of truth. Every node runs
 * one: it starts the runners of every kept generation (building, live and retired alike, so that
 * instances spread over the cluster and a crashed rebuild resumes from its committed offsets), and
 * it looks at the registry periodically to start the generations other nodes began and to switch
 * a building generation in once it has caught up. Whichever node acts, the registry's lock makes
 * each rebuild, switch and drop happen once.
 *
 * <p>Retired generations keep following the journal (ShardedDaemonProcess cannot be stopped in
 * Akka 2.8 anyway): a switch back is instant and never shows stale rows. Dropping a generation
 * pauses its instances for good.
 */
public final class RebuildScheduler {
  private static final Logger log = LoggerFactory.getLogger(RebuildScheduler.class);

  private final ActorSystem<?> system;
  private final Settings settings;
  private final DataSource dataSource;
  private final DataSource journalReads;
  private final List<ReadProjection<?>> projections;
  private final GenerationRegistry registry;
  private final ProjectionMonitor monitor;
  private final Switchover switchover;
  private final ProjectionInstances instances;
  private final GenerationComparison comparison;
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean looking = new AtomicBoolean();
  private final AtomicBoolean rebuildBegun = new AtomicBoolean();
  private Cancellable nextLook; // guarded by this
  private boolean stopped; // guarded by this
  /** Where the looks at the registry run: they block on JDBC. */
  private final ExecutionContextExecutor jdbc;

  private RebuildScheduler(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads,
      List<ReadProjection<?>> projections, GenerationRegistry registry, ProjectionMonitor monitor, Switchover switchover,
      ProjectionInstances instances, ExecutionContextExecutor jdbc) {
    this.system = system;
    this.settings = settings;
    this.dataSource = dataSource;
    this.journalReads = journalReads;
    this.projections = projections;
    this.registry = registry;
    this.monitor = monitor;
    this.switchover = switchover;
    this.instances = instances;
    this.comparison = new GenerationComparison(dataSource);
    this.jdbc = jdbc;
  }

  /**
   * Starts the runners of every kept generation and the periodic look at the registry, which runs
   * on {@code jdbc}. Rows are written through {@code dataSource}; instances catching up read the
   * journal through {@code journalReads}.
   */
  static RebuildScheduler start(
      ActorSystem<?> system, Settings settings, DataSource dataSource, DataSource journalReads,
      List<ReadProjection<?>> projections, GenerationRegistry registry, ProjectionMonitor monitor, Switchover switchover,
      ProjectionInstances instances, ExecutionContextExecutor jdbc) throws SQLException {
    RebuildScheduler scheduler = new RebuildScheduler(
        system, settings, dataSource, journalReads, projections, registry, monitor, switchover, instances, jdbc);
    for (ReadProjection<?> projection : projections) {
      scheduler.startKept(projection);
    }
    scheduler.lookAfter(settings.operations().pollInterval());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-rebuild-scheduler", () -> {
      scheduler.stop();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    return scheduler;
  }

  private synchronized void stop() {
    stopped = true;
    if (nextLook != null) {
      nextLook.cancel();
    }
  }

  /** Starts a rebuild: a new building generation, migrated and running from offset zero. */
  public Generation rebuild(ReadProjection<?> projection, boolean verify) throws SQLException, Refused {
    GenerationRegistry.Begun begun = registry.begin(projection, verify);
    Generation next = begun.generation();
    log.info("Rebuilding {} into generation {} (schema {}); indexes and foreign keys built after the catch-up: {}",
        projection.name(), next.generation(), next.schema(), begun.deferred());
    ensureStarted(projection, next);
    rebuildBegun.set(true);
    lookAfter(settings.operations().catchUpPollInterval());
    return next;
  }

  private void startKept(ReadProjection<?> projection) throws SQLException {
    for (Generation g : registry.list(projection.name())) {
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
      registry.migrate(projection.name(), generation.generation());
      ProjectionRunner.start(system, settings, dataSource, journalReads, projection, generation.generation(),
          generation.state().equals(Generation.BUILDING));
      started.add(generation.projectionId());
    }
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
    List<Generation> kept = registry.list(projection.name());
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
    if (switchover.buildDeferred(projection, building.generation()) > 0
        && monitor.behindByMoreThan(projection, building, switchAt)) {
      return; // writes came in meanwhile: switches on a next look, once caught up again
    }
    if (building.verify()) {
      if (building.verifyResult() != null) {
        return; // refused before: stays building until dropped
      }
      Optional<String> difference = comparison.compare(live, building);
      if (difference == null) {
        return; // not comparable yet: the two generations stand at different offsets
      }
      if (difference.isPresent()) {
        log.warn("Not switching {} to generation {}: {}", projection.name(), building.generation(), difference.get());
        registry.verified(projection.name(), building.generation(), difference.get());
        return;
      }
    }
    try {
      switchover.goLive(projection, building.generation());
      dropBeyondRetention(projection);
    } catch (Refused e) {
      log.info("Not switching {}: {}", projection.name(), e.getMessage());
    }
  }

  private void dropBeyondRetention(ReadProjection<?> projection) throws SQLException {
    List<Generation> retired = registry.list(projection.name()).stream()
        .filter(g -> g.state().equals(Generation.RETIRED))
        .sorted((a, b) -> Integer.compare(b.generation(), a.generation()))
        .toList();
    for (Generation g : retired.subList(Math.min(retired.size(), settings.operations().retainRetired()), retired.size())) {
      try {
        instances.drop(projection, g.generation());
      } catch (Refused e) {
        log.info("Keeping generation {} of {}: {}", g.generation(), projection.name(), e.getMessage());
      }
    }
  }
}
