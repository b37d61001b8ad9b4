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
 * are passivated, and a passivated item recovers its state on its next command. Creating an item
 * starts no entity (its first event is written without one); its first later command does.
 */
class AggregatePassivationIT {
  private static final int LIMIT = 20;
  private static final int CREATED = 150;

  @TempDir static Path dataDir;

  @Test
  void itemsBeyondTheLimitArePassivatedAndRecoverOnTheirNextCommand() throws Exception {
    // Akka shares the limit out among the active shards (its default 1,000 would leave none per shard).
    Map<String, Object> config = Map.of("tablecast.aggregates.max-in-memory", LIMIT, "akka.cluster.sharding.number-of-shards", 10);
    try (TestNode node = TestNode.start(dataDir, Users.withAdmin(config))) {
      Api api = Users.admin(node.api);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < CREATED; i++) {
        ids.add(api.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"x\"}").json().get("id").asText());
      }
      assertEquals(0, itemsInMemory(node), "a create starts no entity");

      // Each item's entity starts on its first command.
      for (String id : ids) {
        Api.Response updated = api.patch("/api/items/" + id, "{\"content\":\"y\"}", Map.of("If-Match", "\"1\""));
        assertEquals(200, updated.status(), updated.toString());
      }
      eventually(Duration.ofSeconds(30), () -> itemsInMemory(node), n -> n > 0 && n <= LIMIT);

      // The first item was passivated long ago: its next command sees its version and fields.
      Api.Response updated = api.patch("/api/items/" + ids.get(0), "{\"title\":\"renamed\"}", Map.of("If-Match", "\"2\""));
      assertEquals(200, updated.status(), updated.toString());
      assertEquals(3, updated.json().get("version").asInt());
      assertEquals("y", updated.json().get("content").asText());
      assertEquals("item 0", api.get("/api/items/" + ids.get(0) + "/history").json().get("data").get(1).get("payload").get("title").asText());
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
