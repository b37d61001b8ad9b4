package io.tablecast.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** The HTTP side of the benchmark: reads, writes and write-to-read lag against the service. */
final class Measurements implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /**
   * How often the lag probe asks for its new item: the lag's resolution. Polled much more often, its
   * gets took a noticeable share of the CPU of the creates it watched.
   */
  private static final Duration LAG_POLL = Duration.ofMillis(10);
  /** How many seeded items the update load changes. */
  private static final int UPDATED_ITEMS = 1_000;

  record Creates(Load.Result load, Stats lag) {}

  private final Map<String, String> headers;
  private final KeepAliveClient client;

  /** Signs in as the given user; every request of the benchmark carries that user's token. */
  Measurements(String url, String email, String password) throws Exception {
    this.client = new KeepAliveClient(url, TIMEOUT);
    KeepAliveClient.Response token = client.post("/api/auth/token", Map.of(),
        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
    if (token.status() != 200) {
      throw new IllegalStateException("cannot sign in as " + email + ": " + token.status() + " " + token.body());
    }
    this.headers = Map.of("Authorization", "Bearer " + new ObjectMapper().readTree(token.body()).get("access_token").asText());
  }

  /** A blue/green rebuild of the projection, timed until the switch (null: the node offers none). */
  Rebuild.Result rebuild(String projection, Duration within) throws Exception {
    return Rebuild.run(client, headers, projection, within);
  }

  /** Drops a kept generation of a projection (its tables, its offsets, its running instances). */
  void dropGeneration(String projection, int generation) throws Exception {
    String path = "/admin/projections/" + projection + "/generations/" + generation;
    KeepAliveClient.Response r = client.delete(path, headers);
    if (r.status() != 204) {
      throw new IllegalStateException("DELETE " + path + " answered " + r.status() + " " + r.body());
    }
  }

  /** The generation of a projection that queries read now. */
  int liveGeneration(String projection) throws Exception {
    KeepAliveClient.Response r = client.get("/admin/projections/" + projection, headers);
    if (r.status() != 200) {
      throw new IllegalStateException("GET /admin/projections/" + projection + " answered " + r.status() + " " + r.body());
    }
    return new ObjectMapper().readTree(r.body()).get("generation").asInt();
  }

  /** An admin action without a body (pause, resume): null when done, else why not (a 4xx answer). */
  String admin(String path) throws Exception {
    KeepAliveClient.Response r = post(path, "");
    if (r.status() == 200) {
      return null;
    }
    if (r.status() >= 400 && r.status() < 500) {
      return r.status() + " " + r.body();
    }
    throw new IllegalStateException("POST " + path + " answered " + r.status() + " " + r.body());
  }

  /** Gets of random items. */
  Load.Operation getById(List<UUID> ids) {
    return worker -> get("/api/items/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size()))) == 200;
  }

  /** Sorted pages somewhere in the first 10,000 rows of the whole table. */
  Load.Operation listPage(int rows) {
    int maxSkip = Math.max(1, Math.min(rows, 10_000) - 50);
    return worker -> get("/api/items?sort=-created_at&limit=50&skip=" + ThreadLocalRandom.current().nextInt(maxSkip)) == 200;
  }

  /** A new item, as the 64 clients of the command figures create it. */
  Load.Operation createItem() {
    return worker -> post("/api/items", "{\"title\":\"bench\",\"content\":\"created by the benchmark\"}").status() == 201;
  }

  /**
   * A new title for one of the first {@code UPDATED_ITEMS} seeded items: a working set whose
   * entities stay started, so that a step measures the command's path (authentication, the asks,
   * the persist) and not the recovery of a million cold entities.
   */
  Load.Operation updateItem(List<UUID> ids) {
    List<UUID> hot = ids.subList(0, Math.min(ids.size(), UPDATED_ITEMS));
    return worker -> {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String path = "/api/items/" + hot.get(random.nextInt(hot.size()));
      return client.patch(path, headers, "{\"title\":\"updated " + random.nextInt(1_000_000) + "\"}").status() == 200;
    };
  }

  /** Runs {@code operation} in windows until its rate stops rising (see {@link WarmUp}). */
  WarmUp.Run warmUp(WarmUp warmUp, int concurrency, Load.Operation operation) throws Exception {
    return warmUp.run(window -> load(concurrency, window, operation).perSecond());
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
          KeepAliveClient.Response created = post("/api/items", "{\"title\":\"lag probe\",\"content\":\"c\"}");
          long acknowledged = System.nanoTime();
          if (created.status() != 201) {
            continue;
          }
          String id = created.body().substring(created.body().indexOf("\"id\":\"") + 6, created.body().indexOf("\"id\":\"") + 42);
          boolean visible = get("/api/items/" + id) == 200;
          while (running.get() && !visible) {
            Thread.sleep(LAG_POLL.toMillis());
            visible = get("/api/items/" + id) == 200;
          }
          if (visible) {
            lag.add(System.nanoTime() - acknowledged);
          }
        } catch (Exception e) {
          // a failed probe is not a lag sample
        }
      }
    }, "bench-lag-probe");
    if (measureLag) {
      sampler.start();
    }
    Load.Result result = Load.run(concurrency, duration, createItem());
    running.set(false);
    if (measureLag) {
      sampler.join();
    }
    client.close();
    return new Creates(result, lag);
  }

  /** A load run; its threads' connections are closed after it (the next run has new threads). */
  Load.Result load(int concurrency, Duration duration, Load.Operation operation) throws InterruptedException {
    try {
      return Load.run(concurrency, duration, operation);
    } finally {
      client.close();
    }
  }

  private int get(String path) throws IOException {
    return client.get(path, headers).status();
  }

  private KeepAliveClient.Response post(String path, String json) throws IOException {
    return client.post(path, headers, json);
  }

  @Override
  public void close() {
    client.close();
  }
}
