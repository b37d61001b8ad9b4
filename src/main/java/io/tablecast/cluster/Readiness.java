package io.tablecast.cluster;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this node can serve: it has finished starting (migrations ran, projections started,
 * HTTP bound) and has not begun to shut down. A shutdown begins when coordinated shutdown has a
 * reason (SIGTERM, a fatal error such as OutOfMemoryError with akka.jvm-exit-on-fatal-error,
 * leaving or being downed from the cluster, ActorSystem.terminate), before its first phase unbinds
 * HTTP: from then on the node is not ready, while its phases hand work over.
 */
public final class Readiness implements Extension {
  private static final ExtensionId<Readiness> ID =
      new ExtensionId<>() {
        @Override
        public Readiness createExtension(ActorSystem<?> system) {
          return new Readiness(system);
        }
      };

  private final AtomicBoolean started = new AtomicBoolean();
  private final CoordinatedShutdown shutdown;

  private Readiness(ActorSystem<?> system) {
    this.shutdown = CoordinatedShutdown.get(system);
  }

  public static Readiness get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public void markStarted() {
    started.set(true);
  }

  public boolean started() {
    return started.get();
  }

  /** Started, and not shutting down. */
  public boolean ready() {
    return started.get() && shutdown.getShutdownReason().isEmpty();
  }
}
