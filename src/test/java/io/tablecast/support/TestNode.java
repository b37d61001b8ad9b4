package io.tablecast.support;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.Tablecast;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** A whole Tablecast node in this JVM, on its own embedded PostgreSQL and free ports. */
public final class TestNode implements AutoCloseable {
  public final Tablecast node;
  public final Api api;
  public final int managementPort;

  /** For a node that joined another's cluster: that node, which must see it gone when it closes. */
  private TestNode joined;

  private TestNode(Tablecast node, int managementPort) {
    this.node = node;
    this.managementPort = managementPort;
    this.api = new Api("http://127.0.0.1:" + node.httpAddress().getPort());
  }

  public static TestNode start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  public static TestNode start(Path dataDir, Map<String, Object> extra) throws Exception {
    int management = extra.containsKey("akka.management.http.port")
        ? ((Number) extra.get("akka.management.http.port")).intValue()
        : Ports.free();
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("tablecast.data-dir", dataDir.toString());
    overrides.put("tablecast.http.port", 0);
    overrides.put("akka.remote.artery.canonical.port", 0);
    overrides.put("akka.management.http.port", management);
    overrides.putAll(extra);
    Config config = ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.defaultApplication()));
    return new TestNode(Tablecast.start(config), management);
  }

  private Api admin;

  /** The API as the bootstrap admin of {@link Users#ADMIN_CONFIG} (the node must have been started with it). */
  /**
   * A second node on {@code first}'s database that joins {@code first}'s cluster (with {@code extra}
   * settings), returned once both are Up.
   */
  public static TestNode startJoining(Path dataDir, TestNode first, Map<String, Object> extra) throws Exception {
    Map<String, Object> joining = new HashMap<>(extra);
    joining.put("tablecast.database.url", ((HikariDataSource) first.node.database().dataSource()).getJdbcUrl());
    joining.put("akka.cluster.seed-nodes", List.of(Cluster.get(first.node.system()).selfMember().address().toString()));
    joining.put("tablecast.cluster.join-self", false);
    TestNode second = start(dataDir, joining);
    second.joined = first;
    Eventually.eventually(Duration.ofSeconds(30), () -> StreamSupport.stream(
            Cluster.get(first.node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status().equals(MemberStatus.up())).count(), n -> n == 2);
    return second;
  }

  public synchronized Api admin() {
    if (admin == null) {
      admin = Users.admin(api);
    }
    return admin;
  }

  /**
   * Stops the node. One that joined another's cluster returns once that node has it removed: until
   * then, that node's shard coordinators cannot write their state to a majority, and the next test
   * on it would get 503s. A slow leave ends at the latest when the split brain resolver downs it.
   */
  @Override
  public void close() {
    node.stop();
    if (joined != null) {
      Cluster first = Cluster.get(joined.node.system());
      Eventually.eventually(Duration.ofSeconds(60),
          () -> StreamSupport.stream(first.state().getMembers().spliterator(), false).count() + first.state().getUnreachable().size(),
          n -> n == 1);
    }
  }
}
