package io.tablecast.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Runs JDBC work for a route on the dedicated dispatcher, never on Akka's default one. */
public final class Blocking {
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Exception;
  }

  private final Executor executor;

  public Blocking(ActorSystem<?> system) {
    this.executor = system.dispatchers().lookup(DispatcherSelector.fromConfig("tablecast-jdbc-dispatcher"));
  }

  public <T> CompletionStage<T> run(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, executor);
  }
}
