package io.tablecast.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Tablecast;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage users.",
    subcommands = {UsersCommand.CreateAdmin.class})
public final class UsersCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(
      name = "create-admin",
      mixinStandardHelpOptions = true,
      description = {
          "Create an admin user, or give an existing user the admin role (idempotent).",
          "Starts a node briefly on the configured database: with the embedded database, run it while the service is stopped."},
      footer = {"", "Example:", "  ADMIN_PASSWORD=... java -jar tablecast.jar users create-admin --email admin@example.com"})
  static final class CreateAdmin implements Callable<Integer> {
    @Option(names = "--email", required = true, description = "the admin's email")
    String email;

    @Option(names = "--password", description = "at least 10 characters; defaults to $ADMIN_PASSWORD",
        interactive = true, arity = "0..1")
    String password;

    @Override
    public Integer call() throws Exception {
      String secret = password != null ? password : System.getenv().getOrDefault("ADMIN_PASSWORD", "");
      if (secret.isEmpty()) {
        System.err.println("No password: pass --password or set ADMIN_PASSWORD");
        return 2;
      }
      Map<String, Object> overrides = new HashMap<>();
      overrides.put("tablecast.auth.admin-email", email);
      overrides.put("tablecast.auth.admin-password", secret);
      // A short-lived node beside a running one must not take its ports.
      overrides.put("tablecast.http.port", 0);
      overrides.put("akka.remote.artery.canonical.port", 0);
      overrides.put("akka.management.http.port", freePort());
      Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
      Tablecast node = Tablecast.start(config);
      node.stop();
      System.out.println("Admin " + email.trim().toLowerCase(java.util.Locale.ROOT) + " is ready.");
      return 0;
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }
  }
}
