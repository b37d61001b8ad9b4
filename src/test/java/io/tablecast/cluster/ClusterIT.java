package io.tablecast.cluster;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tablecast.support.Api;
import io.tablecast.support.JarProcess;
import io.tablecast.support.Users;
import io.tablecast.support.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes of the packaged jar on loopback share one PostgreSQL and form a cluster through
 * seed nodes. Writes go through every node while one node is killed with SIGKILL; afterwards every
 * acknowledged write is in the journal and, exactly once, in the read table; the killed node's
 * projection slices ran on the survivors; the node restarts on its ports and rejoins.
 */
class ClusterIT {
  /** The bootstrap admin's token, valid on every node (they share TOKEN_SECRET). */
  private static volatile String token;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NODES = 3;
  private static final int SLICES = 4;
  private static final int WRITERS = 6;
  private static final int VICTIM = 1;
  private static final Duration START = Duration.ofSeconds(150);
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  // Small, test-only JVMs: three of them and PostgreSQL share two loaded cores.
  private static final List<String> JVM = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  @TempDir Path dir;

  private final long began = System.nanoTime();

  record Node(int http, int management, int remote) {
    String address() {
      return "akka://tablecast@127.0.0.1:" + remote;
    }
  }

  /** A write the service acknowledged with 2xx: the item and the version the reply carried. */
  record Ack(UUID id, long version, int node, int phase) {}

  @Test
  void survivesTheLossOfANodeUnderLoadAndTakesItBack() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir.resolve("postgres"))
        .setServerConfig("max_connections", "200")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start()) {
      String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        nodes.add(new Node(Ports.free(), Ports.free(), Ports.free()));
      }
      Map<String, String> env = new HashMap<>();
      env.put("DATABASE_URL", url);
      env.put("DATABASE_USER", "postgres");
      env.put("DATABASE_PASSWORD", "");
      env.put("DATABASE_POOL_SIZE", "4");
      env.put("PROJECTION_SLICES", Integer.toString(SLICES));
      env.put("SEED_NODES", nodes.stream().map(Node::address).collect(Collectors.joining(",")));
      env.put("SBR_STABLE_AFTER", "3s");
      // One token secret for the cluster: a token from any node is valid on every node.
      env.put("TOKEN_SECRET", Users.TOKEN_SECRET);
      env.put("ADMIN_EMAIL", Users.ADMIN_EMAIL);
      env.put("ADMIN_PASSWORD", Users.ADMIN_PASSWORD);

      AtomicReferenceArray<JarProcess> running = new AtomicReferenceArray<>(NODES);
      List<JarProcess> started = new ArrayList<>();
      try {
        for (int i = 0; i < NODES; i++) {
          running.set(i, start(nodes.get(i), i, env));
          started.add(running.get(i));
        }
        for (int i = 0; i < NODES; i++) {
          running.get(i).awaitReady(START);
        }
        for (int i = 0; i < NODES; i++) {
          JarProcess node = running.get(i);  // each is Up; the others learn of it through gossip
          eventually(CONVERGE, () -> upMembers(node), n -> n == NODES);
        }
        log("3 nodes ready and Up");
        token = Users.token(running.get(0).api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);

        // ---- load through every node; SIGKILL one in the middle of it ----
        Queue<Ack> acks = new ConcurrentLinkedQueue<>();
        List<UUID> created = new CopyOnWriteArrayList<>();
        AtomicInteger phase = new AtomicInteger();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> load = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          load.add(writers.submit(() -> write(writer, running, acks, created, phase, failures, stop)));
        }
        eventually(Duration.ofSeconds(60), acks::size, n -> n >= 60);
        // The node to kill runs projection slices of its own (sharding spreads the 4 over the 3 nodes).
        eventually(CONVERGE, () -> slicesOn(running.get(VICTIM)), slices -> !slices.isEmpty());
        Set<String> victimSlices = slicesOn(running.get(VICTIM));
        log("before the kill: " + acks.size() + " acknowledged writes; projection slices per node: "
            + slicesOn(running.get(0)) + " " + victimSlices + " " + slicesOn(running.get(2)));

        JarProcess victim = running.get(VICTIM);
        running.set(VICTIM, null);
        victim.kill();
        phase.set(1);
        log("SIGKILLed node " + VICTIM);
        for (int i = 0; i < NODES; i++) {
          if (i != VICTIM) {
            JarProcess survivor = running.get(i);
            eventually(CONVERGE, () -> members(survivor), m -> m != null && m.get("members").size() == NODES - 1
                && m.get("unreachable").isEmpty());
          }
        }
        phase.set(2);
        log("the survivors downed and removed node " + VICTIM);

        // Every slice runs on the survivors: writes made now, in every slice, reach the read table.
        Set<String> all = new TreeSet<>();
        for (int slice = 0; slice < SLICES; slice++) {
          all.add(Integer.toString(slice));
        }
        eventually(CONVERGE, () -> {
          Set<String> onSurvivors = new TreeSet<>(slicesOn(running.get(0)));
          onSurvivors.addAll(slicesOn(running.get(2)));
          return onSurvivors;
        }, all::equals);
        log("slices " + victimSlices + " of node " + VICTIM + " moved; per survivor: "
            + slicesOn(running.get(0)) + " " + slicesOn(running.get(2)));
        eventually(Duration.ofSeconds(60), () -> slicesWritten(acks, 2), s -> s.size() == SLICES);
        List<Ack> afterRemoval = acks.stream().filter(a -> a.phase() == 2).toList();
        eventually(CONVERGE, () -> notYetRead(url, afterRemoval), List::isEmpty);
        log("all " + SLICES + " projection slices run on the survivors");

        // Writers use the node again once it is ready, as a load balancer behind /ready would.
        JarProcess restarted = start(nodes.get(VICTIM), VICTIM, env);
        started.add(restarted);
        restarted.awaitReady(START);
        running.set(VICTIM, restarted);
        phase.set(3);
        log("node " + VICTIM + " restarted on its ports and is Up again");
        for (int i = 0; i < NODES; i++) {
          JarProcess node = running.get(i);
          eventually(CONVERGE, () -> upMembers(node), n -> n == NODES);
        }
        eventually(Duration.ofSeconds(60), () -> acks.stream().filter(a -> a.phase() == 3).count(), n -> n >= 20);

        stop.set(true);
        for (Future<?> writer : load) {
          writer.get();
        }
        writers.shutdown();
        log("load stopped: " + acks.size() + " acknowledged writes; not acknowledged: " + failures);
        // Losing a node is a fault the service reports as 503 (or the connection to it breaks); nothing else.
        assertTrue(failures.keySet().stream().allMatch(kind -> kind.equals("503") || !kind.matches("\\d+")),
            "writes failed only with 503 or a broken connection: " + failures);

        // ---- sharded entities answer from any node ----
        Api viaFirst = running.get(0).api.withToken(token);
        Api viaRestarted = running.get(VICTIM).api.withToken(token);
        Api viaThird = running.get(2).api.withToken(token);
        // Retried while shards rebalance to the rejoined node (a handoff may outlast the ask timeout).
        Api.Response made = eventually(CONVERGE,
            () -> viaFirst.post("/api/items", "{\"title\":\"Made on node 0\",\"content\":\"c\"}"), r -> r.status() == 201);
        String id = made.json().get("id").asText();
        Api.Response updated = eventually(CONVERGE,
            () -> viaRestarted.patch("/api/items/" + id, "{\"title\":\"Changed on node 1\"}"), r -> r.status() == 200);
        long version = updated.json().get("version").asLong();
        assertTrue(version >= 2, updated.toString());
        Api.Response read = eventually(Duration.ofSeconds(30), () -> viaThird.get("/api/items/" + id),
            r -> r.status() == 200 && r.json().get("version").asLong() == version);
        assertEquals("Changed on node 1", read.json().get("title").asText());

        // ---- every acknowledged write is in the journal, and after catch-up in the read table once ----
        Map<UUID, Long> journal = journalVersions(url);
        for (Ack ack : acks) {
          Long journaled = journal.get(ack.id());
          assertTrue(journaled != null && journaled >= ack.version(), "acknowledged but not journaled: " + ack);
        }
        eventually(CONVERGE, () -> readTableDisagreements(url), Set::isEmpty);
        assertEquals(journalVersions(url).size(), countReadRows(url), "one read row per journaled item");
        log("journal and read table agree on " + journal.size() + " items");
      } catch (Throwable e) {
        printLogTails();
        throw e;
      } finally {
        started.forEach(node -> node.process.destroy());  // SIGTERM to all at once; they stop in parallel
        for (JarProcess node : started) {
          node.close();
        }
      }
    }
  }

  private JarProcess start(Node node, int index, Map<String, String> env) throws Exception {
    Map<String, String> own = new HashMap<>(env);
    own.put("REMOTE_PORT", Integer.toString(node.remote()));
    own.put("DATA_DIR", dir.resolve("node-" + index).toString());
    Path log = dir.resolve("node-" + index + ".log");
    Files.createDirectories(dir.resolve("node-" + index));
    return JarProcess.start(log, node.http(), node.management(), own, JVM);
  }

  /** One writer: creates items, and updates items that other writers made, through any live node. */
  private static void write(
      int writer,
      AtomicReferenceArray<JarProcess> running,
      Queue<Ack> acks,
      List<UUID> created,
      AtomicInteger phase,
      Map<String, Integer> failures,
      AtomicBoolean stop) {
    int n = 0;
    while (!stop.get()) {
      int index = (writer + n++) % NODES;
      JarProcess node = running.get(index);
      if (node == null) {
        continue;
      }
      int during = phase.get();
      try {
        Api.Response r;
        boolean update = created.size() > 10 && ThreadLocalRandom.current().nextInt(3) == 0;
        if (update) {
          UUID id = created.get(ThreadLocalRandom.current().nextInt(created.size()));
          r = node.api.withToken(token).patch("/api/items/" + id, "{\"content\":\"updated by writer " + writer + "\"}");
        } else {
          r = node.api.withToken(token).post("/api/items", "{\"title\":\"w" + writer + " n" + n + "\",\"content\":\"c\"}");
        }
        if (r.status() / 100 == 2) {
          JsonNode item = r.json();
          UUID id = UUID.fromString(item.get("id").asText());
          acks.add(new Ack(id, item.get("version").asLong(), index, during));
          if (!update) {
            created.add(id);
          }
        } else {
          failures.merge(Integer.toString(r.status()), 1, Integer::sum);
        }
      } catch (RuntimeException e) {
        // The node went away under the request: not acknowledged, so no promise to check.
        failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
      }
    }
  }

  private static Set<String> slicesWritten(Queue<Ack> acks, int phase) {
    return acks.stream().filter(a -> a.phase() == phase)
        .map(a -> "item-" + Math.floorMod(a.id().hashCode(), SLICES)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static JsonNode members(JarProcess node) {
    return node.management("/cluster/members").filter(r -> r.statusCode() == 200).map(r -> {
      try {
        return JSON.readTree(r.body());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).orElse(null);
  }

  /**
   * The projection slices (ShardedDaemonProcess instances) running on a node, from Akka
   * Management's shard view. A fresh database runs generation 1 of the items projection.
   */
  private static Set<String> slicesOn(JarProcess node) {
    Set<String> slices = new TreeSet<>();
    node.management("/cluster/shards/sharded-daemon-process-items-g1").filter(r -> r.statusCode() == 200).ifPresent(r -> {
      try {
        for (JsonNode shard : JSON.readTree(r.body()).get("regions")) {
          if (shard.get("numEntities").asInt() > 0) {
            slices.add(shard.get("shardId").asText());
          }
        }
      } catch (Exception e) {
        throw new AssertionError(r.body(), e);
      }
    });
    return slices;
  }

  private static int upMembers(JarProcess node) {
    JsonNode m = members(node);
    if (m == null || !m.get("unreachable").isEmpty()) {
      return -1;
    }
    int up = 0;
    for (JsonNode member : m.get("members")) {
      up += member.get("status").asText().equals("Up") ? 1 : 0;
    }
    return up;
  }

  private static Map<UUID, Long> journalVersions(String url) {
    return query(url, "SELECT persistence_id, max(sequence_number) FROM journal.event_journal WHERE persistence_id LIKE 'Item|%' GROUP BY persistence_id", rs -> {
      Map<UUID, Long> versions = new HashMap<>();
      while (rs.next()) {
        versions.put(UUID.fromString(rs.getString(1).substring("Item|".length())), rs.getLong(2));
      }
      return versions;
    });
  }

  /** Items whose read row is missing, duplicated or behind the journal. */
  private static Set<String> readTableDisagreements(String url) {
    return query(url, """
        SELECT coalesce(j.persistence_id, 'Item|' || i.id) FROM
          (SELECT persistence_id, max(sequence_number) AS version FROM journal.event_journal WHERE persistence_id LIKE 'Item|%' GROUP BY persistence_id) j
          FULL JOIN read.items i ON j.persistence_id = 'Item|' || i.id
        WHERE i.id IS NULL OR j.persistence_id IS NULL OR i.version <> j.version
        """, rs -> {
      Set<String> ids = new TreeSet<>();
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
      return ids;
    });
  }

  /** The acknowledged writes that the read table does not show yet. */
  private static List<Ack> notYetRead(String url, List<Ack> acks) {
    Map<UUID, Long> read = query(url, "SELECT id, version FROM read.items", rs -> {
      Map<UUID, Long> versions = new HashMap<>();
      while (rs.next()) {
        versions.put(rs.getObject(1, UUID.class), rs.getLong(2));
      }
      return versions;
    });
    return acks.stream().filter(a -> read.getOrDefault(a.id(), 0L) < a.version()).toList();
  }

  private static long countReadRows(String url) {
    return query(url, "SELECT count(*) FROM read.items", rs -> {
      rs.next();
      return rs.getLong(1);
    });
  }

  interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> T query(String url, String sql, Rows<T> rows) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows.read(rs);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void printLogTails() throws java.io.IOException {
    for (int i = 0; i < NODES; i++) {
      Path log = dir.resolve("node-" + i + ".log");
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        System.out.println("---- node " + i + " (last 80 lines) ----");
        lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
      }
    }
  }

  private void log(String what) {
    System.out.printf("[ClusterIT %5.1f s] %s%n", (System.nanoTime() - began) / 1e9, what);
  }
}
