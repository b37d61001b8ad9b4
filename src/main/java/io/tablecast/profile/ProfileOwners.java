package io.tablecast.profile;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Reply;
import io.tablecast.user.User;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The seam to users where a request needs to know a profile's owner: one ask of the User
 * aggregate, not of the users table, so that a deletion counts from the moment it is acknowledged,
 * before the cascade has deleted the profile and before the users table shows it.
 */
final class ProfileOwners {
  /** Where a profile's owner stands: never registered, deleted, deactivated, or active. */
  enum Standing {
    NONE, DELETED, DEACTIVATED, ACTIVE
  }

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  ProfileOwners(ActorSystem<?> system, Settings settings) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.http().askTimeout();
  }

  CompletionStage<Standing> of(UUID userId) {
    return sharding.entityRefFor(User.ENTITY_TYPE_KEY, userId.toString())
        .<Reply<User.State>>ask(reply -> new User.Get(Actor.SYSTEM, reply), askTimeout)
        .thenApply(reply -> {
          if (!(reply instanceof User.Accepted accepted)) {
            return Standing.NONE;
          }
          User.State user = accepted.state();
          return user.deleted() ? Standing.DELETED : user.active() ? Standing.ACTIVE : Standing.DEACTIVATED;
        });
  }
}
