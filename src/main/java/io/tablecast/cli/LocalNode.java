package io.tablecast.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Tablecast;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * A node of its own on a fresh embedded PostgreSQL in {@code dir}, with an admin signed in: what
 * the benchmark commands that measure inside one process start.
 */
record LocalNode(Tablecast node, Config config, NodeClient admin) {
  private static final String ADMIN_EMAIL = "bench-admin@tablecast.invalid";

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
      return new LocalNode(node, config, new NodeClient(url, NodeClient.signIn(url, ADMIN_EMAIL, adminPassword)));
    } catch (Exception | Error e) {
      node.stop();
      throw e;
    }
  }
}
