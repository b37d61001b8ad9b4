package io.tablecast;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.ServerBinding;
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
import io.tablecast.projection.AdminRoutes;
import io.tablecast.projection.RebuildCoordinator;
import io.tablecast.db.SchemaReport;
import io.tablecast.http.AdminAccess;
import akka.http.javadsl.server.Directives;
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
      joinCluster(system, settings);
      AkkaManagement.get(system).start().toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

      Item.init(system, settings);
      // Runs every kept generation (live, building, retired) and switches caught-up rebuilds in.
      RebuildCoordinator rebuilds = RebuildCoordinator.start(system, settings, database.dataSource(), PROJECTIONS);
      ItemRoutes items = new ItemRoutes(system, settings, new ItemQueries(database.dataSource()));
      // Until authentication arrives, /admin is open only when tablecast.admin.open says so.
      AdminRoutes admin = new AdminRoutes(
          system, rebuilds, new SchemaReport(database.dataSource(), PROJECTIONS),
          AdminAccess.openWhen(settings.operations().adminOpen()));
      ServerBinding binding =
          HttpServer.start(system, settings, Directives.concat(items.routes(), admin.routes()))
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

  /** A lone node forms its own cluster, unless seed nodes (or, later, bootstrap) say otherwise. */
  private static void joinCluster(ActorSystem<?> system, Settings settings) {
    boolean seeded = !settings.config().getStringList("akka.cluster.seed-nodes").isEmpty();
    if (settings.joinSelf() && !seeded) {
      Cluster cluster = Cluster.get(system);
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
