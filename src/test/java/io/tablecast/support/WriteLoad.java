package io.tablecast.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Concurrent clients that create items and update their own items as fast as the service lets
 * them, and write down every write the service acknowledged with a 2xx (id, version, title).
 * Each client owns its items, so the versions it sees for one item only grow.
 */
public final class WriteLoad implements AutoCloseable {
  /** The last acknowledged write of an item. */
  public record Ack(long version, String title) {}

  public final Map<String, Ack> acknowledged = new ConcurrentHashMap<>();
  /** Responses by status; -1 counts requests that got no HTTP answer (connection refused, timeout). */
  public final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  public final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
  public final AtomicLong slowestMillis = new AtomicLong();
  public final AtomicLong missingRetryAfter = new AtomicLong();

  private final Supplier<Api> api;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> clients = new ArrayList<>();

  private WriteLoad(Supplier<Api> api) {
    this.api = api;
  }

  /** Starts {@code clients} threads against whatever node {@code api} currently names. */
  public static WriteLoad start(int clients, Supplier<Api> api) {
    WriteLoad load = new WriteLoad(api);
    for (int i = 0; i < clients; i++) {
      Thread t = new Thread(load::client, "write-load-" + i);
      t.setDaemon(true);
      load.clients.add(t);
      t.start();
    }
    return load;
  }

  public long count(int status) {
    LongAdder n = statuses.get(status);
    return n == null ? 0 : n.sum();
  }

  public long acknowledgedWrites() {
    long n = 0;
    for (Map.Entry<Integer, LongAdder> e : statuses.entrySet()) {
      if (e.getKey() >= 200 && e.getKey() < 300) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /** Stops the clients and waits until each has finished its request in flight. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(Duration.ofSeconds(30).toMillis());
    }
  }

  private void client() {
    List<String> mine = new ArrayList<>();
    String name = Thread.currentThread().getName();
    long n = 0;
    while (running.get()) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String title = name + "-" + n++;
      boolean create = mine.isEmpty() || random.nextInt(10) < 4;
      String id = create ? null : mine.get(random.nextInt(mine.size()));
      long began = System.nanoTime();
      Api.Response r;
      try {
        r = create
            ? api.get().post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"load\"}")
            : api.get().patch("/api/items/" + id, "{\"title\":\"" + title + "\"}");
      } catch (RuntimeException e) {
        statuses.computeIfAbsent(-1, k -> new LongAdder()).increment();
        pause();
        continue;
      }
      slowestMillis.accumulateAndGet(Duration.ofNanos(System.nanoTime() - began).toMillis(), Math::max);
      statuses.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
      if (r.status() == 200 || r.status() == 201) {
        JsonNode item = r.json();
        String itemId = item.get("id").asText();
        acknowledged.put(itemId, new Ack(item.get("version").asLong(), item.get("title").asText()));
        if (create) {
          mine.add(itemId);
        }
      } else if (r.status() == 503) {
        if (r.header("Retry-After") == null) {
          missingRetryAfter.incrementAndGet();
        }
        pause();
      } else {
        unexpected.add(r.toString());
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
