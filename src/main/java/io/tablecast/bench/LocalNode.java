package io.tablecast.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Tablecast;
import io.tablecast.cli.ExitCodes;
import io.tablecast.cli.NodeClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A node of its own on a fresh embedded PostgreSQL in {@code dir}, with an admin signed in: what
 * the benchmark commands that measure inside one process start.
 */
record LocalNode(Tablecast node, Config config, NodeClient admin, Path dir) {
  private static final String ADMIN_EMAIL = "bench-admin@tablecast.invalid";

  /** What a command does with its node; returns the command's exit code. */
  @FunctionalInterface
  interface Work {
    int run(LocalNode local) throws Exception;
  }

  /**
   * Starts a node in {@code dataDir} (a new scratch directory when null), runs {@code work} and
   * stops the node. A scratch directory is removed after a successful run and kept, for its
   * database and log, after a failed one. A refused admin call is reported as the command's error.
   */
  static int run(Path dataDir, CommandSpec spec, Work work) throws Exception {
    Path dir = dataDir != null ? dataDir : ScratchDirectory.create();
    LocalNode local = start(dir);
    boolean succeeded = false;
    try {
      int exitCode = work.run(local);
      succeeded = exitCode == ExitCodes.OK;
      return exitCode;
    } catch (NodeClient.Failure f) {
      spec.commandLine().getErr().println("error: " + f.getMessage());
      return f.exitCode;
    } finally {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
      local.node().stop();
      if (dataDir == null && succeeded) {
        ScratchDirectory.delete(dir);
      }
    }
  }

  static LocalNode start(Path dir) throws Exception {
    String adminPassword = UUID.randomUUID().toString();
    Config config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(
            "tablecast.data-dir", dir.toString(),
            "tablecast.http.port", 0,
            "tablecast.auth.admin-email", ADMIN_EMAIL,
            "tablecast.auth.admin-password", adminPassword,
            "tablecast.projections.rebuild.poll-interval", "1s",
            "akka.remote.artery.canonical.port", 0,
            "akka.management.http.port", 0,
            "akka.loglevel", "WARNING"))
        .withFallback(ConfigFactory.defaultApplication()));
    Tablecast node = Tablecast.start(config);
    try {
      String url = "http://127.0.0.1:" + node.httpAddress().getPort();
      return new LocalNode(node, config, new NodeClient(url, NodeClient.signIn(url, ADMIN_EMAIL, adminPassword)), dir);
    } catch (Exception | Error e) {
      node.stop();
      throw e;
    }
  }
}
