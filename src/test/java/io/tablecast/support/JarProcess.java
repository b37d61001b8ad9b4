package io.tablecast.support;

import static io.tablecast.support.Eventually.eventually;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The real tablecast.jar in its own JVM, as an operator runs it (`java -jar tablecast.jar serve`). */
public final class JarProcess implements AutoCloseable {
  private static final HttpClient MANAGEMENT_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public final Process process;
  public final Api api;
  public final int httpPort;
  public final int managementPort;
  private final Path log;

  private JarProcess(Process process, int httpPort, int managementPort, Path log) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.api = new Api("http://127.0.0.1:" + httpPort);
  }

  public static Path jar() {
    return Path.of(System.getProperty("test.tablecast.jar", "target/tablecast.jar"));
  }

  /** Starts {@code serve} on the data directory and waits until /ready says so. */
  public static JarProcess serve(Path dataDir, Path log, Map<String, String> env) throws IOException {
    Map<String, String> all = new HashMap<>();
    all.put("DATA_DIR", dataDir.toString());
    all.put("REMOTE_PORT", Integer.toString(Ports.free()));
    all.putAll(env);
    JarProcess started = start(log, Ports.free(), Ports.free(), all, List.of("-Xmx512m"));
    started.awaitReady(Duration.ofSeconds(120));
    return started;
  }

  /**
   * Starts {@code serve} with these ports, environment and JVM options, and returns at once (see
   * {@link #ready()}, {@link #awaitReady}). The output is appended to the log.
   */
  public static JarProcess start(Path log, int httpPort, int managementPort, Map<String, String> env, List<String> jvmOptions)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar().toString(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("HTTP_PORT", Integer.toString(httpPort));
    pb.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new JarProcess(pb.start(), httpPort, managementPort, log);
  }

  /** Runs another command of the jar (e.g. {@code users create-admin ...}) to its end; returns the exit code. */
  public static int run(Path dataDir, Path log, Map<String, String> env, String... args) throws Exception {
    String javaCommand = ProcessHandle.current().info().command().orElse("java");
    java.util.List<String> command =
        new java.util.ArrayList<>(java.util.List.of(javaCommand, "-Xmx512m", "-jar", jar().toString()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("DATA_DIR", dataDir.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process process = pb.start();
    if (!process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("tablecast " + String.join(" ", args) + " did not finish");
    }
    return process.exitValue();
  }

  /** The last lines of a log, or why they cannot be read: what a failed start said, for the test report. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = java.nio.file.Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(log not readable: " + e + ")";
    }
  }

  public void awaitReady(Duration within) {
    eventually(within, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("tablecast exited with " + process.exitValue() + " before it was ready; the end of its log "
            + log + ":\n" + tail(log, 40));
      }
      return ready();
    }, ready -> ready);
  }

  /** GET /ready on the management port answers 200: started, and Up in its cluster. */
  public boolean ready() {
    return management("/ready").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** A GET on the Akka Management port (health checks, /cluster/members); empty if it does not answer. */
  public Optional<HttpResponse<String>> management(String path) {
    try {
      return Optional.of(MANAGEMENT_CLIENT.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Api admin;

  /** The API as the bootstrap admin of {@link Users#ADMIN_ENV} (the process must have been started with it). */
  public synchronized Api admin() {
    if (admin == null) {
      admin = Users.admin(api);
    }
    return admin;
  }

  /** SIGKILL: no shutdown hooks, the embedded PostgreSQL is orphaned. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: coordinated shutdown; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
