package io.tablecast.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** The HTTP side of the benchmark: reads, writes and write-to-read lag against the service. */
final class Measurements {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  record Creates(Load.Result load, Stats lag) {}

  private final String url;
  private final String authorization;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Signs in as the given user; every request of the benchmark carries that user's token. */
  Measurements(String url, String email, String password) throws Exception {
    this.url = url;
    HttpResponse<String> token = client.send(HttpRequest.newBuilder(URI.create(url + "/api/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (token.statusCode() != 200) {
      throw new IllegalStateException("cannot sign in as " + email + ": " + token.statusCode() + " " + token.body());
    }
    this.authorization = "Bearer " + new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).get("access_token").asText();
  }

  String url() {
    return url;
  }

  Map<String, String> headers() {
    return Map.of("Authorization", authorization);
  }

  /** The generation of a projection that queries read now. */
  int liveGeneration(String projection) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/admin/projections/" + projection))
        .timeout(TIMEOUT).header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /admin/projections/" + projection + " answered " + r.statusCode() + " " + r.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("generation").asInt();
  }

  /** An admin action without a body (pause, resume): null when done, else why not (a 4xx answer). */
  String admin(String path) throws Exception {
    HttpResponse<String> r = post(path, "");
    if (r.statusCode() == 200) {
      return null;
    }
    if (r.statusCode() >= 400 && r.statusCode() < 500) {
      return r.statusCode() + " " + r.body();
    }
    throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + " " + r.body());
  }

  /** Gets of random items; the first {@code warmUp} of the load is not measured. */
  Load.Result getById(List<UUID> ids, int concurrency, Duration warmUp, Duration duration) throws InterruptedException {
    Load.Operation get = worker -> get("/api/items/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size()))) == 200;
    Load.run(concurrency, warmUp, get);
    return Load.run(concurrency, duration, get);
  }

  /** Sorted pages somewhere in the first 10,000 rows of the whole table; the first {@code warmUp} is not measured. */
  Load.Result listPages(int rows, int concurrency, Duration warmUp, Duration duration) throws InterruptedException {
    int maxSkip = Math.max(1, Math.min(rows, 10_000) - 50);
    Load.Operation list = worker ->
        get("/api/items?sort=-created_at&limit=50&skip=" + ThreadLocalRandom.current().nextInt(maxSkip)) == 200;
    Load.run(concurrency, warmUp, list);
    return Load.run(concurrency, duration, list);
  }

  /**
   * create-item at the given concurrency; with {@code measureLag}, one more client meanwhile
   * creates items and polls each until the read side shows it (write-to-read visibility).
   */
  Creates createItems(int concurrency, Duration duration, boolean measureLag) throws InterruptedException {
    Stats lag = new Stats();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        try {
          HttpResponse<String> created = post("/api/items", "{\"title\":\"lag probe\",\"content\":\"c\"}");
          long acknowledged = System.nanoTime();
          if (created.statusCode() != 201) {
            continue;
          }
          String id = created.body().substring(created.body().indexOf("\"id\":\"") + 6, created.body().indexOf("\"id\":\"") + 42);
          while (running.get() && get("/api/items/" + id) != 200) {
            Thread.sleep(2);
          }
          lag.add(System.nanoTime() - acknowledged);
        } catch (Exception e) {
          // a failed probe is not a lag sample
        }
      }
    }, "bench-lag-probe");
    if (measureLag) {
      sampler.start();
    }
    Load.Result result = Load.run(concurrency, duration, worker ->
        post("/api/items", "{\"title\":\"bench\",\"content\":\"created by the benchmark\"}").statusCode() == 201);
    running.set(false);
    if (measureLag) {
      sampler.join();
    }
    return new Creates(result, lag);
  }

  private int get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT).header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT)
        .header("Content-Type", "application/json").header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
