package io.tablecast.item;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.tablecast.Settings;
import io.tablecast.aggregate.Reply;
import io.tablecast.db.ProjectionOffsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * What the processes that command items on another aggregate's events share ({@link
 * CategoryDetacher}, {@link OwnerCascade}): they find the items in the items table, so they first
 * wait until it shows every item event written before the event they react to; then they send each
 * item its command, one at a time, and an item decides idempotently, so a process that runs again
 * over the same event changes nothing twice.
 */
final class ItemCommands {
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(50);
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

  private final ClusterSharding sharding;
  private final ProjectionOffsets offsets;
  private final Duration askTimeout;

  ItemCommands(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    this.sharding = ClusterSharding.get(system);
    this.offsets = new ProjectionOffsets(dataSource);
    this.askTimeout = settings.http().askTimeout();
  }

  /**
   * Waits until the live generation of the items projection (looked up each time: a rebuild may
   * have switched it) has applied every item event up to this journal position.
   */
  void awaitItemsUpTo(long ordering) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
    while (offsets.eventsPending(ItemProjection.NAME, Item.TAG_PREFIX, ordering)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the items projection has not caught up with journal position " + ordering);
      }
      Thread.sleep(CATCH_UP_POLL.toMillis());
    }
  }

  /**
   * Sends each item its command and waits for its answer; returns how many accepted it (whether
   * or not it had anything to change). An ask that fails fails the whole run, which the process
   * then runs again from its last committed offset.
   */
  int send(List<UUID> itemIds, Function<ActorRef<Reply<Item.State>>, Item.Command> command)
      throws InterruptedException, ExecutionException, TimeoutException {
    int changed = 0;
    for (UUID itemId : itemIds) {
      Reply<Item.State> reply = sharding.entityRefFor(Item.ENTITY_TYPE_KEY, itemId.toString())
          .<Reply<Item.State>>ask(command::apply, askTimeout)
          .toCompletableFuture()
          .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      if (reply instanceof Item.Accepted) {
        changed++;
      }
    }
    return changed;
  }
}
