package io.tablecast.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peak of a service's used heap, as its /metrics reports it, sampled four times a second. It
 * asks for that one gauge: a whole scrape costs the service 1.8–2.7 ms of CPU and stops its
 * threads for the JVM thread metrics' deadlock search; the one gauge costs 0.4–0.6 ms.
 */
final class HeapWatcher implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"\\} ([0-9.eE+]+)$");

  private final String url;
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicLong peak = new AtomicLong();
  private final Thread thread = new Thread(this::watch, "bench-heap-watcher");

  private HeapWatcher(String url) {
    this.url = url;
  }

  static HeapWatcher start(String url) {
    HeapWatcher watcher = new HeapWatcher(url);
    watcher.thread.setDaemon(true);
    watcher.thread.start();
    return watcher;
  }

  double peakMb() {
    return peak.get() / (1024.0 * 1024.0);
  }

  private void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        String metrics = client.send(HttpRequest.newBuilder(URI.create(url + "/metrics?name=jvm_memory_used_bytes")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = HEAP_USED.matcher(metrics);
        if (m.find()) {
          peak.accumulateAndGet((long) Double.parseDouble(m.group(1)), Math::max);
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // a missed sample; the next one counts
      }
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
