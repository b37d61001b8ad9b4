package io.tablecast.cluster;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import io.tablecast.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ready is for a node that has started and is Up in a cluster; /alive only for a running one. */
class ReadinessIT {
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
      // Akka Management answers a failed readiness check with 500 (any status >= 400 fails a probe).
      HttpResponse<String> ready = get(node, "/ready");
      assertTrue(ready.statusCode() >= 400 && ready.body().contains("ClusterMembershipCheck"),
          "started, but not a cluster member: " + ready.statusCode() + " " + ready.body());

      Cluster cluster = Cluster.get(node.node.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      eventually(Duration.ofSeconds(30), () -> get(node, "/ready").statusCode(), status -> status == 200);
    }
  }
}
