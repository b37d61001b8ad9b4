package io.tablecast.bench;

import java.util.Arrays;
import java.util.List;

/** Latencies of one run, in nanoseconds, and the percentiles the report prints. */
final class Stats {
  private long[] samples = new long[1024];
  private int count;

  synchronized void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  /** The samples of several runs together. */
  static Stats of(List<Stats> runs) {
    Stats all = new Stats();
    for (Stats run : runs) {
      synchronized (run) {
        for (int i = 0; i < run.count; i++) {
          all.add(run.samples[i]);
        }
      }
    }
    return all;
  }

  synchronized int count() {
    return count;
  }

  /** The p-th percentile (0..100) in milliseconds; 0 when there are no samples. */
  synchronized double percentileMs(double p) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int index = (int) Math.min(count - 1, Math.max(0, Math.ceil(p / 100.0 * count) - 1));
    return sorted[index] / 1e6;
  }
}
