package io.tablecast.profile;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.Settings;
import io.tablecast.aggregate.Reply;
import io.tablecast.projection.EventProcesses;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.user.User;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile's part of a user's deletion (ON DELETE CASCADE, event-sourced, and undone by a
 * restore): for every {@code User.Deleted} the user's Profile gets {@code DeleteWithOwner}, which
 * deletes a live profile by an {@code OwnerDeleted} event that says why; for every
 * {@code User.Restored}, {@code RestoreWithOwner}, which brings back only the profile that the
 * deletion took (one the user had deleted by hand stays deleted).
 *
 * <p>It is a projection over user events with its own offset and no table, run once in the
 * cluster. Its offset is saved after each event whose command the Profile has answered, so a crash
 * resumes with that event at the latest; the commands are idempotent (a Profile whose owner is
 * already deleted, or not deleted, answers without an event). No read table is looked up: a
 * profile's id is its user's.
 */
public final class ProfileCascade extends JdbcHandler<EventEnvelope<User.Event>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(ProfileCascade.class);
  public static final String NAME = "profile-cascade";

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  private ProfileCascade(ActorSystem<?> system, Settings settings) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.http().askTimeout();
  }

  /** Runs one instance in the cluster. */
  public static void start(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    EventProcesses.<User.Event>startOnce(system, NAME, User.TAG, dataSource, () -> new ProfileCascade(system, settings));
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<User.Event> envelope) throws Exception {
    User.Event event = envelope.event();
    if (event instanceof User.Deleted deleted) {
      Profile.State profile = tell(deleted.userId(), Profile.DeleteWithOwner::new, deleted.requestId());
      log.info("User {} deleted: {}", deleted.userId(), profile.deletedWithOwner() ? "their profile with them" : "no live profile");
    } else if (event instanceof User.Restored restored) {
      Profile.State profile = tell(restored.userId(), Profile.RestoreWithOwner::new, restored.requestId());
      log.info("User {} restored: {}", restored.userId(), profile.live() ? "their profile with them" : "no live profile");
    }
  }

  /** Sends the command and waits for the Profile's answer, so that the offset is saved only after it. */
  private Profile.State tell(
      UUID userId, BiFunction<String, ActorRef<Reply<Profile.State>>, Profile.Command> command, String requestId)
      throws Exception {
    Reply<Profile.State> reply = sharding.entityRefFor(Profile.ENTITY_TYPE_KEY, userId.toString())
        .<Reply<Profile.State>>ask(replyTo -> command.apply(requestId, replyTo), askTimeout)
        .toCompletableFuture()
        .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    if (reply instanceof Profile.Accepted accepted) {
      return accepted.state();
    }
    throw new IllegalStateException("the profile of user " + userId + " refused the cascade: " + reply);
  }
}
