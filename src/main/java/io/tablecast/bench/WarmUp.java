package io.tablecast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs a load in windows until its rate stops rising, before the same load is measured. On two
 * cores the JIT compiles the service's code paths for minutes while they serve: the create path
 * cost the service 5.7 ms of CPU per request in its first 20 s and 0.46 ms after four minutes. A
 * step measured after a fixed few seconds measured the compiler as much as the service.
 *
 * <p>Steady: for three windows in a row, the mean rate of the last three windows was less than
 * {@link #RISE} times the mean of the three before. A 10 s window of the create load varies by
 * about 8% on this machine, and an autovacuum of the items table can slow a few windows: fewer
 * windows, or one look, took such a dip for the end of the rise. At most {@code atMost} in all,
 * so a machine that never settles still ends.
 */
record WarmUp(Duration window, Duration atMost) {
  static final double RISE = 1.03;
  private static final int MEAN_OF = 3;
  private static final int LOOKS = 3;

  /** One warm-up: the rate of each of its windows, in order, and whether it ended steady. */
  record Run(List<Double> rates, boolean steady, Duration window) {
    /** How long it ran. */
    double seconds() {
      return window.multipliedBy(rates.size()).toMillis() / 1000.0;
    }

    String describe() {
      return rates.stream().map(r -> String.format("%,.0f", r)).collect(Collectors.joining(" "))
          + String.format(" /s in %s s windows; %s after %s s", number(window.toMillis() / 1000.0),
              steady ? "steady" : "NOT steady", number(seconds()));
    }

    private static String number(double seconds) {
      return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
  }

  @FunctionalInterface
  interface Window {
    double rate(Duration window) throws Exception;
  }

  Run run(Window load) throws Exception {
    List<Double> rates = new ArrayList<>();
    long windows = Math.max(1, atMost.toNanos() / window.toNanos());
    while (rates.size() < windows) {
      rates.add(load.rate(window));
      if (steady(rates)) {
        return new Run(List.copyOf(rates), true, window);
      }
    }
    return new Run(List.copyOf(rates), false, window);
  }

  static boolean steady(List<Double> rates) {
    for (int look = 0; look < LOOKS; look++) {
      int n = rates.size() - look;
      if (n < 2 * MEAN_OF
          || mean(rates.subList(n - MEAN_OF, n)) >= RISE * mean(rates.subList(n - 2 * MEAN_OF, n - MEAN_OF))) {
        return false;
      }
    }
    return true;
  }

  private static double mean(List<Double> rates) {
    return rates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
