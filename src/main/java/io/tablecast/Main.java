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
  /** Where logback.xml sends log lines (System.out or System.err); read once, when logging starts. */
  static final String LOG_TARGET = "LOG_TARGET";

  public static void main(String[] args) {
    commonPoolParallelism(Runtime.getRuntime().availableProcessors())
        .ifPresent(parallelism -> System.setProperty(COMMON_POOL_PARALLELISM, parallelism));
    logTarget(args, System.getProperty(LOG_TARGET) != null || System.getenv(LOG_TARGET) != null)
        .ifPresent(target -> System.setProperty(LOG_TARGET, target));
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

  /**
   * A node logs to standard output, where containers collect it. Every other command answers on
   * standard output (SQL of a dry run, JSON, tables a script reads), so its log lines go to standard
   * error. An explicit LOG_TARGET wins.
   */
  static java.util.Optional<String> logTarget(String[] args, boolean explicit) {
    boolean serve = args.length > 0 && args[0].equals("serve");
    return explicit || serve ? java.util.Optional.empty() : java.util.Optional.of("System.err");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
