package io.tablecast.item;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.ShardRegion.CurrentShardRegionState;
import io.tablecast.support.Api;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node keeps at most tablecast.aggregates.max-in-memory items in memory: the least recently used
 * are passivated, and a passivated item recovers its state on its next command.
 */
class AggregatePassivationIT {
  private static final int LIMIT = 20;
  private static final int CREATED = 150;

  @TempDir static Path dataDir;

  @Test
  void itemsBeyondTheLimitArePassivatedAndRecoverOnTheirNextCommand() throws Exception {
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(Map.of("tablecast.aggregates.max-in-memory", LIMIT)))) {
      Api api = Users.admin(node.api);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < CREATED; i++) {
        ids.add(api.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"x\"}").json().get("id").asText());
      }
      eventually(Duration.ofSeconds(30), () -> itemsInMemory(node), n -> n <= LIMIT);

      // The first item was passivated long ago: its next command sees its version and fields.
      Api.Response updated = api.patch("/api/items/" + ids.get(0), "{\"title\":\"renamed\"}", Map.of("If-Match", "\"1\""));
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(2, updated.json().get("version").asInt());
      assertEquals("x", updated.json().get("content").asText());
    }
  }

  private static int itemsInMemory(TestNode node) {
    var system = node.node.system();
    CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(Item.ENTITY_TYPE_KEY, replyTo),
            Duration.ofSeconds(5), system.scheduler())
        .toCompletableFuture().join();
    return state.getShards().stream().mapToInt(shard -> shard.getEntityIds().size()).sum();
  }
}
