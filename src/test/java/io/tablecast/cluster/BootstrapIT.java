package io.tablecast.cluster;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.support.Ports;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLUSTER_BOOTSTRAP forms the cluster through Akka Cluster Bootstrap: the path Kubernetes takes
 * with kubernetes-api discovery, here with config discovery listing two nodes' management ports.
 */
class BootstrapIT {
  @TempDir Path dir;

  @Test
  void twoNodesFormOneClusterThroughBootstrap() throws Exception {
    int first = Ports.free();
    int second = Ports.free();
    List<Map<String, Object>> endpoints = List.of(
        Map.of("host", "127.0.0.1", "port", first),
        Map.of("host", "127.0.0.1", "port", second));
    Map<String, Object> bootstrap = new HashMap<>(Users.ADMIN_CONFIG);
    bootstrap.put("tablecast.cluster.bootstrap", "config");
    bootstrap.put("tablecast.cluster.join-self", false);
    bootstrap.put("akka.management.cluster.bootstrap.contact-point-discovery.service-name", "tablecast");
    bootstrap.put("akka.discovery.config.services.tablecast.endpoints", endpoints);
    // The nodes share a host, so their management ports differ: probe every port discovery lists.
    bootstrap.put("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port", false);

    Map<String, Object> one = new HashMap<>(bootstrap);
    one.put("akka.management.http.port", first);
    try (TestNode a = TestNode.start(dir.resolve("a"), one)) {
      // Both nodes on the first node's database, as every pod shares one.
      Map<String, Object> two = new HashMap<>(bootstrap);
      two.put("akka.management.http.port", second);
      two.put("tablecast.database.url", ((HikariDataSource) a.node.database().dataSource()).getJdbcUrl());
      try (TestNode b = TestNode.start(dir.resolve("b"), two)) {
        for (TestNode node : List.of(a, b)) {
          Cluster cluster = Cluster.get(node.node.system());
          eventually(Duration.ofSeconds(60), () -> upMembers(cluster), up -> up == 2);
        }
        // Ready (and the bootstrap admin created) only once the cluster has formed.
        a.node.ready().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        b.node.ready().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        String token = Users.token(a.api, Users.ADMIN_EMAIL, Users.ADMIN_PASSWORD);
        String id = a.api.withToken(token).post("/api/items", "{\"title\":\"Via a\",\"content\":\"c\"}").json().get("id").asText();
        assertEquals(200, b.api.withToken(token).patch("/api/items/" + id, "{\"title\":\"Via b\"}").status());
      }
    }
  }

  private static long upMembers(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }
}
