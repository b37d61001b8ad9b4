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
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import akka.pattern.Patterns;
import akka.persistence.jdbc.db.SlickExtension;
import akka.persistence.jdbc.db.SlickExtensionImpl;
import com.typesafe.config.Config;
import io.tablecast.aggregate.Role;
import io.tablecast.category.CategoryFeature;
import io.tablecast.cluster.Readiness;
import io.tablecast.db.Database;
import io.tablecast.db.Migrations;
import io.tablecast.db.SchemaReport;
import io.tablecast.http.Authentication;
import io.tablecast.http.HttpServer;
import io.tablecast.item.ItemFeature;
import io.tablecast.metrics.Metrics;
import io.tablecast.metrics.MetricsEndpoint;
import io.tablecast.profile.ProfileFeature;
import io.tablecast.projection.AdminRoutes;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.ReadSide;
import io.tablecast.projection.ReadViews;
import io.tablecast.unique.Reservations;
import io.tablecast.unique.UniqueValue;
import io.tablecast.user.UserFeature;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tablecast node: database, migrations, actor system joined to its cluster, aggregates
 * under sharding, projections, and the HTTP API. Start-up order is what makes /ready honest.
 */
public final class Tablecast {
  private static final Logger log = LoggerFactory.getLogger(Tablecast.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** The features every node runs, in the order the admin API lists their projections. */
  public static final List<Feature> FEATURES =
      List.of(new ItemFeature(), new UserFeature(), new CategoryFeature(), new ProfileFeature());

  /** Every projection, each owning the read tables of db/read/&lt;name&gt;. */
  public static final List<ReadProjection<?>> PROJECTIONS =
      FEATURES.stream().flatMap(feature -> feature.projections().stream()).toList();

  private final ActorSystem<Void> system;
  private final Database database;
  private final ServerBinding binding;
  private final CompletionStage<Done> ready;

  private Tablecast(ActorSystem<Void> system, Database database, ServerBinding binding, CompletionStage<Done> ready) {
    this.system = system;
    this.database = database;
    this.binding = binding;
    this.ready = ready;
  }

  /** Completes when the node is Up in its cluster and has finished starting (what /ready reports). */
  public CompletionStage<Done> ready() {
    return ready;
  }

  public static Tablecast start(Config config) throws Exception {
    long began = System.nanoTime();
    Settings settings = Settings.from(config);
    Database database = Database.open(settings);
    try {
      Migrations.journal(database.dataSource()).migrate();
      GenerationRegistry generations = new GenerationRegistry(database.dataSource());
      ReadViews views = new ReadViews(database.dataSource());
      for (ReadProjection<?> projection : PROJECTIONS) {
        int live = generations.live(projection);
        generations.migrate(projection.name(), live);
        views.publish(projection.name(), live);
      }

      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "tablecast", database.journalConfig().withFallback(config));
      CoordinatedShutdown.get(system)
          .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database",
              () -> closeDatabase(system, database));
      AkkaManagement.get(system).start().toCompletableFuture().get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      // After management: bootstrap's contact points are served on the management port.
      joinCluster(system, settings);

      UniqueValue.init(system, settings);
      Metrics metrics = Metrics.get(system);
      metrics.databasePool(database.pool());
      // Before any feature's routes are built: each wraps itself in it.
      Authentication authentication = new Authentication(UserFeature.authenticator(system));
      Node node = new Node(system, settings, database, metrics, new Reservations(system, settings), authentication);
      List<Route> routes = new ArrayList<>();
      for (Feature feature : FEATURES) {
        routes.add(feature.start(node));
      }
      // Runs every kept generation (live, building, retired) and switches caught-up rebuilds in.
      ReadSide readSide = ReadSide.start(
          system, settings, database.dataSource(), database.journalReads(), PROJECTIONS);
      routes.add(new AdminRoutes(
          system, readSide, new SchemaReport(database.dataSource(), PROJECTIONS),
          inner -> authentication.requireRole(Role.ADMIN, principal -> inner.get())).routes());
      ServerBinding binding =
          HttpServer.start(system, settings, metrics,
              Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new)))
              .toCompletableFuture()
              .get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      if (settings.metricsEndpoint().ownPort()) {
        MetricsEndpoint.bind(system, settings.metricsEndpoint(), metrics)
            .toCompletableFuture()
            .get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      }
      // Ready once this node is Up in its cluster and the bootstrap admin exists (which needs the
      // cluster: the admin's email is reserved by a sharded entity that may live on another node).
      CompletableFuture<Done> ready = new CompletableFuture<>();
      akka.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() ->
          whenUp(node).whenComplete((done, failure) -> {
            if (failure != null) {
              log.error("A feature could not finish starting (the bootstrap admin?); this node will not report ready", failure);
              ready.completeExceptionally(failure);
              return;
            }
            Readiness.get(system).markStarted();
            log.info(
                "Tablecast started in {} ms ({} ms since JVM start): HTTP on {}, management on port {}",
                Duration.ofNanos(System.nanoTime() - began).toMillis(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
                binding.localAddress(),
                config.getInt("akka.management.http.port"));
            ready.complete(Done.getInstance());
          }));
      if (settings.cluster().formsItsOwn(settings.joinSelf())) {
        ready.get(STARTUP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      }
      return new Tablecast(system, database, binding, ready);
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  /** Every feature's work once the node is Up, one after the other. */
  private static CompletionStage<Done> whenUp(Node node) {
    CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
    for (Feature feature : FEATURES) {
      all = all.thenCompose(done -> feature.whenUp(node));
    }
    return all;
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

  /**
   * Closes the database after what still queries it: the read journal's sequence poller runs until
   * the actor system terminates, so it is stopped and the journal's pool closed first; otherwise
   * their queries meet a stopped embedded PostgreSQL (a broken-connection warning each).
   */
  private static CompletionStage<Done> closeDatabase(ActorSystem<?> system, Database database) {
    akka.actor.ActorSystem classic = Adapter.toClassic(system);
    return classic.actorSelection("/system/jdbc-read-journal.akka-persistence-jdbc-journal-sequence-actor")
        .resolveOne(Duration.ofSeconds(1))
        .thenCompose(poller -> Patterns.gracefulStop(poller, Duration.ofSeconds(2)))
        .exceptionally(notRunning -> true)
        .thenApply(stopped -> {
          var slick = (SlickExtensionImpl) SlickExtension.get(classic);
          slick.database(system.settings().config().getConfig("jdbc-journal")).database().close();
          database.close();
          return Done.getInstance();
        });
  }

  /** Graceful stop: HTTP unbinds, projections and entities stop, then the database closes. */
  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
