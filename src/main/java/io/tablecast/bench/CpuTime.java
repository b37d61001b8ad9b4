package io.tablecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds used by a process and its children (Linux /proc; 0 elsewhere). On a shared machine
 * the wall-clock rate of a benchmark depends on what else runs; the CPU it costs does much less.
 */
public final class CpuTime {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private CpuTime() {}

  /** This JVM. */
  public static double self() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** The PostgreSQL server of a data directory: the postmaster, its backends and the ones that exited. */
  public static double postgres(Path pgData) {
    try {
      List<String> pidFile = Files.readAllLines(pgData.resolve("postmaster.pid"));
      long pid = Long.parseLong(pidFile.get(0).trim());
      return ProcessHandle.of(pid)
          .map(p -> Stream.concat(Stream.of(p), p.descendants()).mapToDouble(CpuTime::ownAndReaped).sum())
          .orElse(0.0);
    } catch (IOException | RuntimeException e) {
      return 0.0;
    }
  }

  private static double ownAndReaped(ProcessHandle process) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // Fields after the command name (which may hold spaces): state is field 3, utime..cstime 14..17.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = 0;
      for (int i = 11; i <= 14; i++) {
        ticks += Long.parseLong(fields[i]);
      }
      return ticks / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0.0;
    }
  }
}
