package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.query.Sequence;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Reply;
import io.tablecast.projection.EventProcesses;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.user.User;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's items follow the user: when a user is deleted, each of their live items is deleted
 * ({@code Deleted} with reason {@code owner_deleted} in its history); when the user is restored,
 * exactly those come back, and items they had deleted themselves, or a moderator had, stay deleted.
 *
 * <p>Shaped like {@link CategoryDetacher}: a projection over user events with its own offset (no
 * read table), one instance in the cluster. A node that dies midway leaves the event's offset
 * uncommitted, so the next instance runs the event again; each item decides idempotently (an item
 * already deleted is not deleted again; only an item its owner's deletion deleted is restored), so
 * nothing happens twice. It commands every item the items table shows for the owner, deleted or
 * not, once that table shows every item event written before the user's event, so whether an item
 * is deleted is always the aggregate's answer, never a read row that may lag.
 *
 * <p>It acts on an event only while it is still the user's standing (a deletion while the user is
 * deleted, a restore while they are not): otherwise a later event of the user undoes it, which
 * this process handles next. So the first run over an existing journal leaves alone users deleted
 * and restored since, and items are not deleted and restored for nothing.
 *
 * <p>Reads do not wait for it: the item queries hide the items of a user the users table shows
 * deleted ({@link ItemQueries}).
 */
public final class OwnerCascade extends JdbcHandler<EventEnvelope<User.Event>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(OwnerCascade.class);
  public static final String NAME = "owner-cascade";

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ItemQueries items;
  private final ItemCommands commands;

  OwnerCascade(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.http().askTimeout();
    this.items = new ItemQueries(dataSource);
    this.commands = new ItemCommands(system, settings, dataSource);
  }

  /** Runs one instance in the cluster. */
  public static void start(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    EventProcesses.<User.Event>startOnce(system, NAME, User.TAG, dataSource, () -> new OwnerCascade(system, settings, dataSource));
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<User.Event> envelope) throws Exception {
    User.Event event = envelope.event();
    boolean deleted = event instanceof User.Deleted;
    if (!deleted && !(event instanceof User.Restored)) {
      return;
    }
    UUID owner = event.userId();
    if (userDeleted(owner) != deleted) {
      log.debug("User {} was {} since: its items are left to that later event", owner, deleted ? "restored" : "deleted again");
      return;
    }
    commands.awaitItemsUpTo(((Sequence) envelope.offset()).value());
    List<UUID> owned = items.ownedBy(owner);
    commands.send(owned, replyTo -> deleted
        ? new Item.DeleteWithOwner(owner, event.requestId(), replyTo)
        : new Item.RestoreWithOwner(owner, event.requestId(), replyTo));
    log.info("User {} {}: its {} items followed", owner, deleted ? "deleted" : "restored", owned.size());
  }

  /** Whether the user is deleted now, as the User aggregate knows it. */
  private boolean userDeleted(UUID userId) throws Exception {
    Reply<User.State> reply = sharding.entityRefFor(User.ENTITY_TYPE_KEY, userId.toString())
        .<Reply<User.State>>ask(replyTo -> new User.Get(Actor.SYSTEM, replyTo), askTimeout)
        .toCompletableFuture()
        .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    if (!(reply instanceof User.Accepted accepted)) {
      throw new IllegalStateException("user " + userId + " has events but no state: " + reply);
    }
    return accepted.state().deleted();
  }
}
