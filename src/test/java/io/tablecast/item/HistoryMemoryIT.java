package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import io.tablecast.support.Ports;
import io.tablecast.support.Users;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest reads a user can ask for fit a small heap. The packaged jar runs with a heap of
 * {@value #HEAP_MB} MB; one user makes the largest things they can (items whose content is the
 * maximum number of characters, each of which JSON escapes to 6 bytes, with the longest title and
 * the most and longest tags; one of them updated {@value #UPDATES} times, each update changing all
 * of its content), then asks for {@value #PARALLEL} history pages and {@value #PARALLEL} list pages
 * of the maximum limit at once. Every answer is 200 and within its bound, and the node stays up.
 * The heap's peak comes from the node's GC log.
 */
class HistoryMemoryIT {
  private static final int HEAP_MB = 256;
  private static final int PARALLEL = 16;
  private static final int UPDATES = 150;
  private static final int LIST_LIMIT = 500;
  private static final int HISTORY_LIMIT = 100;
  private static final int MAX_CONTENT = 100_000;
  private static final int MAX_TITLE = 200;
  private static final int MAX_TAGS = 20;
  private static final int MAX_TAG = 50;
  private static final int MAX_PAGE_BYTES = 1 << 20;
  private static final int LIST_CONTENT_CHARS = 1_000;
  /** A character JSON writes as {@code \u0001}: six bytes for one character. */
  private static final int ESCAPED_BYTES = 6;
  /** Ids, status, version, timestamps, category, field names and punctuation of one item, generously. */
  private static final int ITEM_FIXED_BYTES = 1_024;
  private static final long LIST_PAGE_BOUND = (long) LIST_LIMIT
      * (ESCAPED_BYTES * (LIST_CONTENT_CHARS + MAX_TITLE + MAX_TAGS * MAX_TAG) + ITEM_FIXED_BYTES);
  /** A history page's own fields ({"data":[...],"limit":100,"next":"151"}), generously. */
  private static final int ENVELOPE_BYTES = 1_024;
  private static final long HISTORY_PAGE_BOUND = MAX_PAGE_BYTES + ENVELOPE_BYTES;
  private static final int CREATORS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GC = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  @TempDir Path dataDir;

  private record Answer(String what, int status, long bytes, byte[] body, String error) {
    @Override
    public String toString() {
      return what + ": " + (error != null ? error : status + ", " + bytes + " bytes");
    }
  }

  @Test
  void theLargestHistoriesAndListsAUserCanAskForFitASmallHeap() throws Exception {
    Path log = dataDir.resolve("tablecast.log");
    Path gcLog = dataDir.resolve("gc.log");
    Map<String, String> env = new HashMap<>(Users.ADMIN_ENV);
    env.put("DATA_DIR", dataDir.toString());
    env.put("REMOTE_PORT", Integer.toString(Ports.free()));
    env.put("HISTORY_MAX_PAGE_BYTES", Integer.toString(MAX_PAGE_BYTES));
    env.put("HISTORY_MAX_LIMIT", Integer.toString(HISTORY_LIMIT));
    env.put("LIST_CONTENT_CHARS", Integer.toString(LIST_CONTENT_CHARS));
    try (JarProcess node = JarProcess.start(log, Ports.free(), Ports.free(), env,
        List.of("-Xmx" + HEAP_MB + "m", "-Xlog:gc:file=" + gcLog))) {
      node.awaitReady(Duration.ofSeconds(120));
      String email = Users.uniqueEmail("heavy");
      Users.register(node.api, email);
      String token = Users.token(node.api, email, Users.PASSWORD);
      Api user = node.api.withToken(token);

      long setUp = System.nanoTime();
      List<String> ids = createMaximalItems(user, LIST_LIMIT);
      String updated = ids.get(0);
      for (int i = 1; i <= UPDATES; i++) {
        Api.Response r = user.patch("/api/items/" + updated, "{\"content\":\"" + escaped(i % 2 == 0 ? "\\u0001" : "\\u0002", MAX_CONTENT) + "\"}");
        assertEquals(200, r.status(), "update " + i + ": " + r.status());
      }
      eventually(Duration.ofSeconds(60), () -> user.get("/api/items?limit=1").json().get("total").asLong(), n -> n >= LIST_LIMIT);
      long setUpMs = (System.nanoTime() - setUp) / 1_000_000;

      String base = "http://127.0.0.1:" + node.httpPort;
      String bearer = "Bearer " + token;
      List<Callable<Answer>> reads = new ArrayList<>();
      for (int i = 0; i < PARALLEL; i++) {
        reads.add(() -> fetch("history", base + "/api/items/" + updated + "/history?limit=" + HISTORY_LIMIT, bearer, HISTORY_PAGE_BOUND));
        reads.add(() -> fetch("list", base + "/api/items?limit=" + LIST_LIMIT, bearer, LIST_PAGE_BOUND));
      }
      long burst = System.nanoTime();
      int gcLinesBefore = Files.readAllLines(gcLog).size();
      List<Answer> answers = new ArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(reads.size());
      try {
        for (Future<Answer> answer : clients.invokeAll(reads)) {
          answers.add(answer.get());
        }
      } finally {
        clients.shutdownNow();
      }
      long burstMs = (System.nanoTime() - burst) / 1_000_000;

      List<Answer> failed = answers.stream().filter(a -> a.status() != 200 || a.error() != null).toList();
      assertEquals(List.of(), failed, "every read is answered 200 within its bound; the node's log: " + outOfMemory(log));
      for (Answer a : answers) {
        JsonNode page = JSON.readTree(a.body());
        if (a.what().equals("history")) {
          assertTrue(page.get("data").size() >= 1, "a history page holds at least one entry");
          assertTrue(page.hasNonNull("next"), "a history of " + (UPDATES + 1) + " maximal versions has more pages");
        } else {
          assertEquals(LIST_LIMIT, page.get("data").size(), "a full list page");
        }
      }
      assertTrue(node.process.isAlive(), "the node is still running");
      assertTrue(node.ready(), "the node still answers /ready with 200");
      assertEquals(200, user.get("/api/items/" + updated).status());

      assertEquals(List.of(), outOfMemory(log), "the node's log tells of no OutOfMemoryError");

      List<String> gcLines = Files.readAllLines(gcLog);
      Heap setUpHeap = heap(gcLines.subList(0, gcLinesBefore));
      Heap readsHeap = heap(gcLines.subList(gcLinesBefore, gcLines.size()));
      System.out.printf(
          "HistoryMemoryIT: %d parallel history pages (limit %d) of %s bytes and %d parallel list pages (limit %d) of %s"
              + " bytes, all 200, in %d ms; heap of -Xmx%dm during these reads: %s; while making %d maximal items and %d"
              + " maximal updates (%d ms): %s%n",
          PARALLEL, HISTORY_LIMIT, range(answers, "history"), PARALLEL, LIST_LIMIT, range(answers, "list"), burstMs,
          HEAP_MB, readsHeap, LIST_LIMIT, UPDATES, setUpMs, setUpHeap);
    }
  }

  /** {@code count} items of maximal size, created by a few clients at once; their ids, oldest first. */
  private static List<String> createMaximalItems(Api user, int count) throws Exception {
    List<String> tags = new ArrayList<>();
    for (int t = 0; t < MAX_TAGS; t++) {
      tags.add("\"" + escaped("\\u0001", MAX_TAG - 2) + String.format("%02d", t) + "\"");
    }
    String body = "{\"title\":\"" + escaped("\\u0001", MAX_TITLE) + "\",\"content\":\"" + escaped("\\u0001", MAX_CONTENT)
        + "\",\"tags\":[" + String.join(",", tags) + "]}";
    ExecutorService creators = Executors.newFixedThreadPool(CREATORS);
    try {
      List<Callable<String>> creates = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        creates.add(() -> {
          Api.Response r = user.post("/api/items", body);
          assertEquals(201, r.status(), r.status() + " " + r.raw().body().substring(0, Math.min(300, r.raw().body().length())));
          return r.json().get("id").asText();
        });
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> id : creators.invokeAll(creates)) {
        ids.add(id.get());
      }
      return ids;
    } finally {
      creators.shutdownNow();
    }
  }

  private static String escaped(String escape, int characters) {
    return escape.repeat(characters);
  }

  /** A GET whose body is counted as it arrives and kept only within the bound (an unbounded answer is not read on). */
  private static Answer fetch(String what, String url, String authorization, long bound) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
        .header("Authorization", authorization).GET().build();
    try {
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          bytes += n;
          if (bytes > bound) {
            return new Answer(what, response.statusCode(), bytes, null, "over its bound of " + bound + " bytes");
          }
          kept.write(buffer, 0, n);
        }
        return new Answer(what, response.statusCode(), bytes, kept.toByteArray(), null);
      }
    } catch (IOException e) {
      return new Answer(what, 0, 0, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(what, 0, 0, null, e.toString());
    }
  }

  /** The log's lines that tell of an OutOfMemoryError, if any. */
  private static List<String> outOfMemory(Path log) throws IOException {
    return Files.readAllLines(log).stream().filter(l -> l.contains("OutOfMemoryError")).limit(3).toList();
  }

  private static String range(List<Answer> answers, String what) {
    long min = answers.stream().filter(a -> a.what().equals(what)).mapToLong(Answer::bytes).min().orElse(0);
    long max = answers.stream().filter(a -> a.what().equals(what)).mapToLong(Answer::bytes).max().orElse(0);
    return min == max ? String.format("%,d", min) : String.format("%,d-%,d", min, max);
  }

  /**
   * The heap as GC log lines show it: the most used before a collection (the peak: the heap only
   * grows between collections), and the most left after a full collection (the live data then).
   */
  private record Heap(long peakMb, int collections, long liveAfterFullMb, int fullCollections) {
    @Override
    public String toString() {
      return "peak " + peakMb + " MB used (before a GC; " + collections + " GC pauses), "
          + (fullCollections == 0 ? "no full GC" : fullCollections + " full GCs leaving at most " + liveAfterFullMb + " MB live");
    }
  }

  private static Heap heap(List<String> gcLines) {
    long peak = 0;
    long liveAfterFull = 0;
    int collections = 0;
    int full = 0;
    for (String line : gcLines) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        collections++;
        peak = Math.max(peak, mb(m.group(1), m.group(2)));
        if (line.contains("Pause Full")) {
          full++;
          liveAfterFull = Math.max(liveAfterFull, mb(m.group(3), m.group(4)));
        }
      }
    }
    return new Heap(peak, collections, liveAfterFull, full);
  }

  private static long mb(String amount, String unit) {
    long n = Long.parseLong(amount);
    return switch (unit) {
      case "K" -> n / 1024;
      case "G" -> n * 1024;
      default -> n;
    };
  }
}
