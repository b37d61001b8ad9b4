package io.tablecast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Runs an operation from N threads for a fixed time and measures throughput and latency. */
final class Load {
  @FunctionalInterface
  interface Operation {
    /** One call; returns false when the call failed (it is counted, not timed). */
    boolean call(int worker) throws Exception;
  }

  record Result(double perSecond, Stats latency, long failures) {
    /** Runs of equal length as one: their mean rate, all their latencies and failures. */
    static Result of(List<Result> runs) {
      return new Result(runs.stream().mapToDouble(Result::perSecond).average().orElse(0),
          Stats.of(runs.stream().map(Result::latency).toList()), runs.stream().mapToLong(Result::failures).sum());
    }
  }

  private Load() {}

  static Result run(int concurrency, Duration duration, Operation operation) throws InterruptedException {
    Stats stats = new Stats();
    AtomicLong failures = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    long began = System.nanoTime();
    for (int w = 0; w < concurrency; w++) {
      int worker = w;
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          try {
            if (operation.call(worker)) {
              stats.add(System.nanoTime() - start);
            } else {
              failures.incrementAndGet();
            }
          } catch (Exception e) {
            failures.incrementAndGet();
          }
        }
      }, "bench-" + w);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    return new Result(stats.count() / seconds, stats, failures.get());
  }
}
