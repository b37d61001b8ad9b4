package io.tablecast.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether this node has finished starting: migrations ran, projections started, HTTP bound. */
public final class Readiness implements Extension {
  private static final ExtensionId<Readiness> ID =
      new ExtensionId<>() {
        @Override
        public Readiness createExtension(ActorSystem<?> system) {
          return new Readiness();
        }
      };

  private final AtomicBoolean started = new AtomicBoolean();

  public static Readiness get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public void markStarted() {
    started.set(true);
  }

  public boolean started() {
    return started.get();
  }
}
