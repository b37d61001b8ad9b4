package io.tablecast.cluster;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import io.tablecast.support.JarProcess;
import io.tablecast.support.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /ready is for a node that has started, is Up in a cluster and is not shutting down; /alive only
 * for a running one.
 */
class ReadinessIT {
  /** How soon after SIGTERM /ready must say so (the signal, the JVM's shutdown hooks, one probe). */
  private static final Duration PROMPTLY = Duration.ofSeconds(2);
  private static final int PROBE_TIMEOUT_MS = 1000;
  private static final int NOT_ANSWERED = -1;

  @TempDir Path dataDir;

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(TestNode node, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aStartedNodeIsNotReadyUntilItIsUpInACluster() throws Exception {
    // Neither bootstrap nor seed nodes, and no joining itself: the node waits to be joined.
    try (TestNode node = TestNode.start(dataDir, Map.of("tablecast.cluster.join-self", false))) {
      assertEquals(200, get(node, "/alive").statusCode());
      // A failed readiness check is 503 (cluster/HealthRoutes; any status >= 400 fails a probe).
      HttpResponse<String> ready = get(node, "/ready");
      assertTrue(ready.statusCode() == 503 && ready.body().contains("ClusterMembershipCheck"),
          "started, but not a cluster member: " + ready.statusCode() + " " + ready.body());

      Cluster cluster = Cluster.get(node.node.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      eventually(Duration.ofSeconds(30), () -> get(node, "/ready").statusCode(), status -> status == 200);
    }
  }

  /**
   * The packaged node, stopped with SIGTERM while /ready (management port) and the API (HTTP port)
   * are polled, each probe on a new connection: once the API no longer answers, /ready never says
   * 200, and it says 503 promptly after the signal.
   */
  @Test
  void onSigtermReadyTurns503AndIsNeverOkOnceHttpHasStopped() throws Exception {
    try (JarProcess node = JarProcess.serve(dataDir.resolve("data"), dataDir.resolve("node.log"), Map.of())) {
      List<Probe> http = new ArrayList<>();
      List<Probe> ready = new ArrayList<>();
      AtomicBoolean polling = new AtomicBoolean(true);
      Thread httpPoller = poller(node.httpPort, "/api/openapi.json", http, polling);
      Thread readyPoller = poller(node.managementPort, "/ready", ready, polling);
      eventually(Duration.ofSeconds(10), () -> answered(http, 200) && answered(ready, 200), both -> both);

      long sigterm = System.nanoTime();
      node.process.destroy();
      assertTrue(node.process.waitFor(60, TimeUnit.SECONDS), "the node stops after SIGTERM");
      polling.set(false);
      httpPoller.join();
      readyPoller.join();

      String timeline = timeline(sigterm, http, ready);
      long httpStopped = snapshot(http).stream()
          .filter(p -> p.start() > sigterm && p.status() == NOT_ANSWERED)
          .mapToLong(Probe::end).min()
          .orElseThrow(() -> new AssertionError("the API kept answering:\n" + timeline));
      long okAfterHttpStopped = snapshot(ready).stream()
          .filter(p -> p.start() > httpStopped && p.status() == 200)
          .count();
      assertEquals(0, okAfterHttpStopped, "/ready said 200 after the API had stopped answering:\n" + timeline);

      Probe firstNotOk = snapshot(ready).stream()
          .filter(p -> p.start() > sigterm && p.status() != 200)
          .findFirst()
          .orElseThrow(() -> new AssertionError("/ready never changed:\n" + timeline));
      assertEquals(503, firstNotOk.status(), "the first answer of /ready after SIGTERM that is not 200:\n" + timeline);
      assertTrue(firstNotOk.end() - sigterm < PROMPTLY.toNanos(), "/ready said 503 only "
          + TimeUnit.NANOSECONDS.toMillis(firstNotOk.end() - sigterm) + " ms after SIGTERM:\n" + timeline);
    }
  }

  /** A GET on a new connection: when it was sent and answered (System.nanoTime) and its status, or {@link #NOT_ANSWERED}. */
  private record Probe(String path, long start, long end, int status) {}

  private static Thread poller(int port, String path, List<Probe> probes, AtomicBoolean polling) {
    Thread thread = new Thread(() -> {
      while (polling.get()) {
        long start = System.nanoTime();
        int status = get(port, path);
        synchronized (probes) {
          probes.add(new Probe(path, start, System.nanoTime(), status));
        }
      }
    }, "poll " + path);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static int get(int port, String path) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), PROBE_TIMEOUT_MS);
      socket.setSoTimeout(PROBE_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] statusLine = in.readNBytes("HTTP/1.1 200".length());
      String line = new String(statusLine, StandardCharsets.US_ASCII);
      return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring("HTTP/1.1 ".length())) : NOT_ANSWERED;
    } catch (IOException | NumberFormatException e) {
      return NOT_ANSWERED;
    }
  }

  private static List<Probe> snapshot(List<Probe> probes) {
    synchronized (probes) {
      return List.copyOf(probes);
    }
  }

  private static boolean answered(List<Probe> probes, int status) {
    return snapshot(probes).stream().anyMatch(p -> p.status() == status);
  }

  /** Both polls after the signal, in the order they were sent, each status change on a line (ms after SIGTERM). */
  private static String timeline(long sigterm, List<Probe> http, List<Probe> ready) {
    List<Probe> all = Stream.concat(snapshot(http).stream(), snapshot(ready).stream())
        .filter(p -> p.end() > sigterm)
        .sorted(Comparator.comparingLong(Probe::start))
        .toList();
    List<String> lines = new ArrayList<>();
    Map<String, Integer> last = new java.util.HashMap<>();
    for (Probe p : all) {
      if (!Integer.valueOf(p.status()).equals(last.put(p.path(), p.status()))) {
        lines.add(String.format("%6d..%6d ms  %-18s %s", TimeUnit.NANOSECONDS.toMillis(p.start() - sigterm),
            TimeUnit.NANOSECONDS.toMillis(p.end() - sigterm), p.path(),
            p.status() == NOT_ANSWERED ? "no answer" : Integer.toString(p.status())));
      }
    }
    return lines.stream().collect(Collectors.joining("\n"));
  }
}
