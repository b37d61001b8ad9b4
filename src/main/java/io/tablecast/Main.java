package io.tablecast;

import io.tablecast.bench.BenchCommand;
import io.tablecast.cli.RebuildBenchCommand;
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
        RebuildBenchCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
