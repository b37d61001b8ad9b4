package io.tablecast.cli;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Tablecast;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Start a node: HTTP API, aggregates, projections; embedded PostgreSQL unless DATABASE_URL is set.",
    footer = {"", "Examples:", "  java -jar tablecast.jar serve", "  HTTP_PORT=8081 DATA_DIR=./data2 java -jar tablecast.jar serve"})
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Tablecast node = Tablecast.start(ConfigFactory.load());
    // Runs until the actor system terminates (SIGTERM runs coordinated shutdown).
    node.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
