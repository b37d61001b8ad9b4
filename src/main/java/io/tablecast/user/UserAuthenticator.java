package io.tablecast.user;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Reply;
import io.tablecast.aggregate.Role;
import io.tablecast.http.Authenticator;
import io.tablecast.http.Principal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who a bearer token names, for every feature's routes ({@link io.tablecast.http.Authentication}):
 * the token must verify ({@link Tokens}), and the User aggregate, asked on every request on
 * whichever node, must say that its user may act and that the token was issued at or after their
 * credentials version. One per node (an Akka extension), so the node issues and verifies with the
 * same {@link Tokens}.
 */
public final class UserAuthenticator implements Authenticator, Extension {
  private static final ExtensionId<UserAuthenticator> ID =
      new ExtensionId<>() {
        @Override
        public UserAuthenticator createExtension(ActorSystem<?> system) {
          Settings settings = Settings.from(system.settings().config());
          return new UserAuthenticator(system, Tokens.from(settings), settings.http().askTimeout());
        }
      };

  private final ClusterSharding sharding;
  private final Tokens tokens;
  private final Duration askTimeout;

  private UserAuthenticator(ActorSystem<?> system, Tokens tokens, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.tokens = tokens;
    this.askTimeout = askTimeout;
  }

  public static UserAuthenticator get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Issues and verifies the access tokens this node accepts. */
  public Tokens tokens() {
    return tokens;
  }

  @Override
  public CompletionStage<Outcome> authenticate(String token) {
    return tokens.verify(token)
        .map(this::askUser)
        .orElseGet(() -> CompletableFuture.<Outcome>completedFuture(Refused.INVALID));
  }

  /** The token's user, if they may act and the token was issued at or after their credentials version. */
  private CompletionStage<Outcome> askUser(Tokens.Claims claims) {
    return sharding.entityRefFor(User.ENTITY_TYPE_KEY, claims.userId().toString())
        .<Reply<User.State>>ask(reply -> new User.Get(Actor.SYSTEM, reply), askTimeout)
        .<Outcome>thenApply(reply -> reply instanceof User.Accepted accepted && accepted.state().canAct()
                && claims.credentialsVersion() >= accepted.state().credentialsVersion()
            ? new Authenticated(principalOf(accepted.state()))
            : Refused.REVOKED);
  }

  private static Principal principalOf(User.State user) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    user.roles().forEach(label -> Role.parse(label).ifPresent(roles::add));
    return new Principal(user.id(), user.email(), roles);
  }
}
