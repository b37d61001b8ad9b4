package io.tablecast.support;

import static io.tablecast.support.Eventually.eventually;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The real tablecast.jar in its own JVM, as an operator runs it (`java -jar tablecast.jar serve`). */
public final class JarProcess implements AutoCloseable {
  public final Process process;
  public final Api api;
  public final int httpPort;
  public final int managementPort;

  private JarProcess(Process process, int httpPort, int managementPort) {
    this.process = process;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.api = new Api("http://127.0.0.1:" + httpPort);
  }

  public static Path jar() {
    return Path.of(System.getProperty("test.tablecast.jar", "target/tablecast.jar"));
  }

  /** Starts {@code serve} on the data directory and waits until /ready says so. */
  public static JarProcess serve(Path dataDir, Path log, Map<String, String> env) throws IOException {
    int http = Ports.free();
    int management = Ports.free();
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-jar", jar().toString(), "serve");
    pb.environment().put("DATA_DIR", dataDir.toString());
    pb.environment().put("HTTP_PORT", Integer.toString(http));
    pb.environment().put("MANAGEMENT_PORT", Integer.toString(management));
    pb.environment().put("REMOTE_PORT", Integer.toString(Ports.free()));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    JarProcess started = new JarProcess(pb.start(), http, management);
    started.awaitReady(Duration.ofSeconds(60));
    return started;
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

  public void awaitReady(Duration within) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    eventually(within, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("tablecast exited with " + process.exitValue() + " before it was ready");
      }
      try {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }, status -> status == 200);
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
