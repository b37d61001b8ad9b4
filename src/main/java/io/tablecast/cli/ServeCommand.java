package io.tablecast.cli;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Tablecast;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import sun.misc.Signal;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Start a node: HTTP API, aggregates, projections; embedded PostgreSQL unless DATABASE_URL is set.",
    footer = {"", "Examples:", "  java -jar tablecast.jar serve", "  HTTP_PORT=8081 DATA_DIR=./data2 java -jar tablecast.jar serve"})
public final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Tablecast node = Tablecast.start(ConfigFactory.load());
    // SIGTERM / Ctrl-C run the coordinated shutdown to its end (HTTP unbinds, projections stop,
    // then the database closes) before the JVM's shutdown hooks, so the embedded PostgreSQL is not
    // stopped under the projections' feet.
    Signal.handle(new Signal("TERM"), signal -> node.stop());
    Signal.handle(new Signal("INT"), signal -> node.stop());
    node.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
