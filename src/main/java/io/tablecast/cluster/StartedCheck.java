package io.tablecast.cluster;

import akka.actor.typed.javadsl.Adapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Readiness check for Akka Management's /ready (configured in application.conf): started and not shutting down. */
public final class StartedCheck implements Supplier<CompletionStage<Boolean>> {
  private final Readiness readiness;

  public StartedCheck(akka.actor.ActorSystem system) {
    this.readiness = Readiness.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(readiness.ready());
  }
}
