package io.tablecast.projection;

import akka.actor.typed.ActorSystem;
import akka.projection.ProjectionId;
import akka.projection.javadsl.ProjectionManagement;
import io.tablecast.Settings;
import io.tablecast.projection.GenerationRegistry.Refused;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running instances of a projection's generations, wherever in the cluster they run: paused
 * and resumed through Akka's ProjectionManagement, and stopped for good when their generation is
 * dropped.
 */
public final class ProjectionInstances {
  private static final Logger log = LoggerFactory.getLogger(ProjectionInstances.class);

  private final ActorSystem<?> system;
  private final Settings settings;
  private final GenerationRegistry registry;
  private final ProjectionMonitor monitor;

  ProjectionInstances(ActorSystem<?> system, Settings settings, GenerationRegistry registry, ProjectionMonitor monitor) {
    this.system = system;
    this.settings = settings;
    this.registry = registry;
    this.monitor = monitor;
  }

  /** Pauses (or resumes) every instance of every kept generation of a projection. */
  public void pause(ReadProjection<?> projection, boolean paused) throws SQLException {
    manage(registry.list(projection.name()), monitor.keys(projection), paused);
  }

  /** Drops a generation that is not live ({@link GenerationRegistry#drop}), its running instances paused first. */
  public void drop(ReadProjection<?> projection, int generation) throws SQLException, Refused {
    List<String> keys = monitor.keys(projection);
    Optional<Generation> target =
        registry.list(projection.name()).stream().filter(g -> g.generation() == generation).findFirst();
    if (target.isPresent() && !target.get().state().equals(Generation.LIVE)) {
      // Stop the running instances before their tables go; the registry marks them paused too.
      try {
        manage(List.of(target.get()), keys, true);
      } catch (RuntimeException e) {
        log.warn("Could not pause {} before dropping it: {}", target.get().projectionId(), e.toString());
      }
    }
    registry.drop(projection.name(), generation, keys);
    log.info("Dropped generation {} of {}", generation, projection.name());
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
}
