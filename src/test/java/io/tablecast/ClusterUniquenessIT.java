package io.tablecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.cluster.typed.Cluster;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes in one cluster on one database: unique emails and category names hold across them. */
class ClusterUniquenessIT {
  @TempDir Path first;
  @TempDir Path second;

  @Test
  void concurrentRegistrationsThroughTwoNodesCreateOneUser() throws Exception {
    try (TestNode a = TestNode.start(first, Users.ADMIN_CONFIG)) {
      try (TestNode b = TestNode.startJoining(second, a, Users.ADMIN_CONFIG)) {

        // Warm up: shards allocated and entities reachable from both nodes before the race.
        Users.register(a.api, Users.uniqueEmail("warm-a"));
        Users.register(b.api, Users.uniqueEmail("warm-b"));

        String email = Users.uniqueEmail("cluster");
        List<Integer> statuses = race(24, i -> (i % 2 == 0 ? a.api : b.api).post("/api/users",
            "{\"email\":\"" + email + "\",\"password\":\"" + Users.PASSWORD + "\",\"full_name\":\"C\"}").status());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(23, statuses.stream().filter(s -> s == 409).count(), statuses.toString());

        Api adminA = Users.admin(a.api);
        Api adminB = Users.admin(b.api);
        String name = "Cluster " + email;
        List<Integer> categories = race(16, i -> (i % 2 == 0 ? adminA : adminB).post("/api/categories",
            "{\"name\":\"" + (i % 3 == 0 ? name.toUpperCase() : name) + "\"}").status());
        assertEquals(1, categories.stream().filter(s -> s == 201).count(), categories.toString());
        assertEquals(15, categories.stream().filter(s -> s == 409).count(), categories.toString());
      }
    }
  }

  private interface Attempt {
    int run(int i) throws Exception;
  }

  private static List<Integer> race(int n, Attempt attempt) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        calls.add(() -> attempt.run(index));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }
}
