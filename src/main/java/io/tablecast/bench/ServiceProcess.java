package io.tablecast.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The service under test in its own JVM (same classpath), and its heap peak. */
final class ServiceProcess implements AutoCloseable {
  final String url;
  private final Process process;
  private final int managementPort;
  private final HttpClient client = HttpClient.newHttpClient();
  private HeapWatcher heap;

  private ServiceProcess(Process process, int httpPort, int managementPort) {
    this.process = process;
    this.url = "http://127.0.0.1:" + httpPort;
    this.managementPort = managementPort;
  }

  /**
   * {@code jvmOptions}: more options for the service's JVM, after its {@code -Xmx}; {@code jar}: another
   * build's jar to run the service from, or null for this one.
   */
  static ServiceProcess start(Map<String, String> env, String maxHeap, List<String> jvmOptions, Path jar, Path log)
      throws IOException, InterruptedException {
    int http = freePort();
    int management = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap));
    command.addAll(jvmOptions);
    String classpath = jar != null ? jar.toAbsolutePath().toString() : System.getProperty("java.class.path");
    command.addAll(List.of("-cp", classpath, "io.tablecast.Main", "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.environment().put("HTTP_PORT", Integer.toString(http));
    pb.environment().put("MANAGEMENT_PORT", Integer.toString(management));
    pb.environment().put("REMOTE_PORT", Integer.toString(freePort()));
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    ServiceProcess service = new ServiceProcess(pb.start(), http, management);
    try {
      // Generous: on a busy machine, a start beside a catch-up of 1,000,000 events takes a while.
      service.awaitReady(Duration.ofMinutes(10));
    } catch (IOException | InterruptedException e) {
      service.close();
      throw e;
    }
    service.heap = HeapWatcher.start(service.url);
    return service;
  }

  private void awaitReady(Duration within) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the service exited with " + process.exitValue() + " during start-up");
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("the service was not ready within " + within);
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  double heapPeakMb() {
    return heap.peakMb();
  }

  @Override
  public void close() throws InterruptedException {
    if (heap != null) {
      heap.close();
    }
    process.destroy();
    process.waitFor();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String classpathJar() {
    return System.getProperty("java.class.path").split(File.pathSeparator)[0];
  }
}
