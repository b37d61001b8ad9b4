package io.tablecast;

import io.tablecast.bench.BenchCommand;
import io.tablecast.bench.ListPlansCommand;
import io.tablecast.bench.RebuildBenchCommand;
import io.tablecast.cli.DbCommand;
import io.tablecast.cli.ProjectionsCommand;
import io.tablecast.cli.ServeCommand;
import io.tablecast.cli.UsersCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "tablecast",
    mixinStandardHelpOptions = true,
    version = "tablecast 0.1.0",
    description = "Event-sourced items, categories and users on Akka and PostgreSQL.",
    subcommands = {ServeCommand.class, DbCommand.class, ProjectionsCommand.class, UsersCommand.class, BenchCommand.class,
        RebuildBenchCommand.class, ListPlansCommand.class})
public final class Main implements Runnable {
  /** The JDK system property that sizes ForkJoinPool.commonPool(); read once, when that pool is made. */
  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    commonPoolParallelism(Runtime.getRuntime().availableProcessors())
        .ifPresent(parallelism -> System.setProperty(COMMON_POOL_PARALLELISM, parallelism));
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /**
   * With fewer than three cores the JDK's common pool gets parallelism 1, and then CompletableFuture
   * runs every async callback on a thread of its own, started for it. The CompletionStages that
   * Akka's Java API returns (every ask to an aggregate) run even thenApply and whenComplete
   * asynchronously, so each request started several threads. A common pool of at least two threads
   * runs those callbacks instead. Set before anything creates a ForkJoinPool; an explicit
   * -Djava.util.concurrent.ForkJoinPool.common.parallelism wins.
   */
  static java.util.Optional<String> commonPoolParallelism(int cores) {
    if (System.getProperty(COMMON_POOL_PARALLELISM) != null || cores - 1 >= 2) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("2");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
