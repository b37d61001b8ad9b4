package io.tablecast;

import akka.Done;
import akka.actor.AddressFromURIString;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import akka.http.javadsl.ServerBinding;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.Config;
import io.tablecast.cluster.Readiness;
import io.tablecast.db.Database;
import io.tablecast.db.Migrations;
import io.tablecast.http.HttpServer;
import io.tablecast.item.Item;
import io.tablecast.item.ItemProjection;
import io.tablecast.item.ItemQueries;
import io.tablecast.item.ItemRoutes;
import io.tablecast.projection.Generations;
import io.tablecast.projection.ProjectionRunner;
import io.tablecast.projection.ReadProjection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tablecast node: database, migrations, actor system joined to its cluster, aggregates
 * under sharding, projections, and the HTTP API. Start-up order is what makes /ready honest.
 */
public final class Tablecast {
  private static final Logger log = LoggerFactory.getLogger(Tablecast.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** Every projection, each owning the read tables of db/read/&lt;name&gt;. */
  public static final List<ReadProjection<?>> PROJECTIONS = List.of(ItemProjection.definition());

  private final ActorSystem<Void> system;
  private final Database database;
  private final ServerBinding binding;

  private Tablecast(ActorSystem<Void> system, Database database, ServerBinding binding) {
    this.system = system;
    this.database = database;
    this.binding = binding;
  }

  public static Tablecast start(Config config) throws Exception {
    long began = System.nanoTime();
    Settings settings = Settings.from(config);
    Database database = Database.open(settings);
    try {
      Migrations.journal(database.dataSource()).migrate();
      Generations generations = new Generations(database.dataSource());
      int[] live = new int[PROJECTIONS.size()];
      for (int i = 0; i < live.length; i++) {
        String name = PROJECTIONS.get(i).name();
        live[i] = generations.live(name);
        generations.migrate(name, live[i]);
        generations.publish(name, live[i]);
      }

      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "tablecast", database.journalConfig().withFallback(config));
      CoordinatedShutdown.get(system)
          .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
            database.close();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      AkkaManagement.get(system).start().toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      // After management: bootstrap's contact points are served on the management port.
      joinCluster(system, settings);

      Item.init(system, settings);
      for (int i = 0; i < live.length; i++) {
        ProjectionRunner.start(system, settings, database.dataSource(), PROJECTIONS.get(i), live[i]);
      }
      ItemRoutes items = new ItemRoutes(system, settings, new ItemQueries(database.dataSource()));
      ServerBinding binding =
          HttpServer.start(system, settings, items.routes())
              .toCompletableFuture()
              .get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      Readiness.get(system).markStarted();
      log.info(
          "Tablecast started in {} ms ({} ms since JVM start): HTTP on {}, management on port {}",
          Duration.ofNanos(System.nanoTime() - began).toMillis(),
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
          binding.localAddress(),
          config.getInt("akka.management.http.port"));
      return new Tablecast(system, database, binding);
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  /**
   * Bootstrap through discovery (Kubernetes), else the seed nodes (several nodes on known
   * addresses), else a lone node forms its own cluster. /ready stays false until the node is Up.
   */
  private static void joinCluster(ActorSystem<?> system, Settings settings) {
    Cluster cluster = Cluster.get(system);
    Settings.Cluster formation = settings.cluster();
    if (formation.bootstraps()) {
      log.info("Joining a cluster through Cluster Bootstrap ({} discovery)", formation.bootstrap());
      ClusterBootstrap.get(Adapter.toClassic(system)).start();
    } else if (!formation.seedNodes().isEmpty()) {
      log.info("Joining a cluster through the seed nodes {}", formation.seedNodes());
      cluster.manager().tell(new JoinSeedNodes(formation.seedNodes().stream().map(AddressFromURIString::parse).toList()));
    } else if (formation.configSeeded()) {
      log.info("Joining a cluster through akka.cluster.seed-nodes");
    } else if (settings.joinSelf()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Database database() {
    return database;
  }

  public InetSocketAddress httpAddress() {
    return binding.localAddress();
  }

  /** Graceful stop: HTTP unbinds, projections and entities stop, then the database closes. */
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
