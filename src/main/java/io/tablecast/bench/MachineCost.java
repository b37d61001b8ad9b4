package io.tablecast.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a load step cost the machine, per operation: CPU of the service, of PostgreSQL and of the
 * benchmark's own clients, the machine's context switches and the kernel's share of its CPU
 * (Linux /proc). Rates alone hide where the time went: on this project's 2-core virtual machines
 * a context switch costs tens of microseconds, and a third of both cores can be the kernel's.
 * With {@code --url} the node's process and database are elsewhere: only this side is read.
 */
final class MachineCost {
  /** A step's closed connections end their PostgreSQL backends; the postmaster counts their CPU once it has reaped them. */
  private static final Duration SETTLE = Duration.ofMillis(300);

  private final Optional<ProcessHandle> service;
  private final Optional<Path> pgData;

  record Sample(double service, double postgres, double client, long contextSwitches, long kernel, long total) {}

  MachineCost(Optional<ProcessHandle> service, Optional<Path> pgData) {
    this.service = service;
    this.pgData = pgData;
  }

  /** Runs the step, noting the machine's counters before and after it. */
  <T> Measured<T> measure(Step<T> step) throws Exception {
    Sample before = sample();
    T result = step.run();
    Thread.sleep(SETTLE.toMillis());
    return new Measured<>(result, before, sample());
  }

  @FunctionalInterface
  interface Step<T> {
    T run() throws Exception;
  }

  /** A step's result and the machine's counters around it. */
  record Measured<T>(T result, Sample before, Sample after) {}

  /** E.g. "CPU per op: service 520 µs, PostgreSQL 380 µs, clients 70 µs; 10.5 context switches; kernel 29%". */
  String perOperation(Measured<?> step, double operations) {
    if (operations <= 0) {
      return "";
    }
    Sample before = step.before();
    Sample after = step.after();
    StringBuilder s = new StringBuilder("CPU per op:");
    if (service.isPresent()) {
      s.append(String.format(" service %.0f µs,", (after.service - before.service) * 1e6 / operations));
    }
    if (pgData.isPresent()) {
      s.append(String.format(" PostgreSQL %.0f µs,", (after.postgres - before.postgres) * 1e6 / operations));
    }
    s.append(String.format(" clients %.0f µs", (after.client - before.client) * 1e6 / operations));
    long ticks = after.total - before.total;
    if (ticks > 0) {
      s.append(String.format("; %.1f context switches; kernel %.0f%%",
          (after.contextSwitches - before.contextSwitches) / operations, 100.0 * (after.kernel - before.kernel) / ticks));
    }
    return s.toString();
  }

  private Sample sample() {
    double serviceCpu = service.flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
    double postgresCpu = pgData.map(CpuTime::postgres).orElse(0.0);
    long switches = 0;
    long kernel = 0;
    long total = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("ctxt ")) {
          switches = Long.parseLong(line.substring(5).trim());
        } else if (line.startsWith("cpu ")) {
          List<String> fields = List.of(line.trim().split("\\s+"));
          kernel = Long.parseLong(fields.get(3));
          for (String ticks : fields.subList(1, fields.size())) {
            total += Long.parseLong(ticks);
          }
        }
      }
    } catch (Exception notLinux) {
      // no machine figures
    }
    return new Sample(serviceCpu, postgresCpu, CpuTime.self(), switches, kernel, total);
  }
}
