package io.tablecast.user;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import io.tablecast.Settings;
import io.tablecast.http.Blocking;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where password hashes are computed and checked: on threads of their own, so that hashing, which
 * is meant to be dear, never holds the threads that reads need, and at most {@code threads +
 * maxWaiting} at once on the node. Beyond that the work is refused at once with {@link Busy} (a
 * {@link RejectedExecutionException}, which the HTTP layer answers 503 with Retry-After) rather
 * than queued until its client gives up.
 */
final class HashingPool {
  static final String DISPATCHER = "tablecast-password-dispatcher";

  /** The node already has as many password hashes running and waiting as it takes. */
  static final class Busy extends RejectedExecutionException {
    Busy(int limit) {
      super("the node is computing " + limit + " password hashes already");
    }
  }

  private final Executor executor;
  private final int limit;
  private final AtomicInteger admitted = new AtomicInteger();

  HashingPool(Executor executor, Settings.Hashing settings) {
    this.executor = executor;
    this.limit = settings.threads() + settings.maxWaiting();
  }

  static HashingPool of(ActorSystem<?> system, Settings.Hashing settings) {
    return new HashingPool(system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER)), settings);
  }

  <T> CompletionStage<T> run(Blocking.Work<T> work) {
    if (admitted.incrementAndGet() > limit) {
      admitted.decrementAndGet();
      return CompletableFuture.failedFuture(new Busy(limit));
    }
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return work.run();
        } catch (Exception e) {
          throw new CompletionException(e);
        } finally {
          admitted.decrementAndGet();
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      admitted.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
  }
}
