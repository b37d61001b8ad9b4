package io.tablecast.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

public final class Eventually {
  private Eventually() {}

  /** Polls until the value satisfies the condition; returns it, or fails with the last value seen. */
  public static <T> T eventually(Duration within, Supplier<T> poll, Predicate<T> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = poll.get();
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within + "; last value: " + last);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = poll.get();
    }
    return last;
  }
}
