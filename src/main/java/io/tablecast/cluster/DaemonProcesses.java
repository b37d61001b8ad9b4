package io.tablecast.cluster;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.cluster.Member;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.cluster.typed.Cluster;
import akka.pattern.Patterns;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.stream.StreamSupport;

/**
 * Starts this node's ShardedDaemonProcesses and, when the node stops as the cluster's only member,
 * stops their keep-alive pingers before the shard regions shut down. A ping that reaches a region
 * after it has handed its shards off waits there for a shard home that no other member can give,
 * and holds the region's graceful shutdown until its timeout (9 s, with warnings); Akka drops such
 * messages itself only in later versions (akka/akka-core#33001). With other members up, nothing
 * changes: their regions take the shards over and the pingers hand over with the singletons.
 */
public final class DaemonProcesses implements Extension {
  private final ActorSystem<?> system;
  private final Set<String> names = ConcurrentHashMap.newKeySet();

  private DaemonProcesses(ActorSystem<?> system) {
    this.system = system;
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-daemon-process-pingers", this::stopPingersIfAlone);
  }

  public static DaemonProcesses get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** {@link ShardedDaemonProcess#init} with a stop message, remembered for the stop. */
  public <T> void init(Class<T> messageClass, String name, int instances, IntFunction<Behavior<T>> behavior, T stopMessage) {
    names.add(name);
    ShardedDaemonProcess.get(system).init(messageClass, name, instances, behavior,
        ShardedDaemonProcessSettings.create(system), Optional.of(stopMessage));
  }

  private CompletableFuture<Done> stopPingersIfAlone() {
    Cluster cluster = Cluster.get(system);
    Iterable<Member> members = cluster.state().getMembers();
    boolean alone = StreamSupport.stream(members.spliterator(), false)
        .allMatch(m -> m.uniqueAddress().equals(cluster.selfMember().uniqueAddress()));
    if (!alone) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Duration timeout = Duration.ofMillis(
        CoordinatedShutdown.get(system).timeout(CoordinatedShutdown.PhaseBeforeClusterShutdown()).toMillis());
    // Each pinger is the singleton child that ClusterSingleton names after the daemon process; once
    // it has stopped, every ping it sent is already in its region's mailbox, ahead of the shutdown.
    List<CompletableFuture<Boolean>> stops = names.stream()
        .map(name -> "/system/singletonManagerShardedDaemonProcessCoordinator-" + name
            + "/ShardedDaemonProcessCoordinator-" + name)
        .map(path -> system.classicSystem().actorSelection(path).resolveOne(timeout)
            .thenCompose(pinger -> Patterns.gracefulStop(pinger, timeout))
            .exceptionally(notRunningHere -> false)
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).thenApply(all -> Done.getInstance());
  }

  private static final class Id extends ExtensionId<DaemonProcesses> {
    private static final Id INSTANCE = new Id();

    @Override
    public DaemonProcesses createExtension(ActorSystem<?> system) {
      return new DaemonProcesses(system);
    }
  }
}
