package io.tablecast.user;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.unique.Reservations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user flows that span more than one aggregate: registering (reserve the email, then register),
 * logging in (email → user through the reservation, then the password), deleting (then free the
 * email) and restoring (take the email again first). Routes, the admin bootstrap and the CLI share them.
 */
public final class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);

  /** Why a login was refused; the HTTP answer does not tell them apart. */
  public sealed interface Login {}

  public record LoggedIn(User.State user) implements Login {}

  public record Refused() implements Login {}

  private final ClusterSharding sharding;
  private final Reservations reservations;
  private final Passwords passwords;
  private final HashingPool hashing;
  private final Duration askTimeout;

  public Accounts(ActorSystem<?> system, Settings settings, Reservations reservations, Passwords passwords) {
    this.sharding = ClusterSharding.get(system);
    this.reservations = reservations;
    this.passwords = passwords;
    this.hashing = HashingPool.of(system, settings.auth().hashing());
    this.askTimeout = settings.http().askTimeout();
  }

  public static String emailKey(String normalizedEmail) {
    return Reservations.key(User.EMAIL_KIND, normalizedEmail);
  }

  /** Registers a user whose email is already normalized and validated; ALREADY_EXISTS when it is taken. */
  public CompletionStage<User.Reply> register(
      String email, String password, String fullName, List<String> roles, String requestId) {
    UUID id = TimeOrderedUuid.create();
    String key = emailKey(email);
    return hashing.run(() -> passwords.hash(password))
        .thenCompose(hash -> reservations.reserve(key, id, holder -> stillHolds(holder, email), requestId)
            .thenCompose(reserved -> {
              if (!reserved) {
                return CompletableFuture.completedFuture(emailTaken(email));
              }
              return user(id).<User.Reply>ask(reply -> new User.Register(email, hash, fullName, roles, requestId, reply), askTimeout)
                  .thenCompose(reply -> (reply instanceof User.Accepted
                          ? reservations.confirm(key, id, requestId)
                          : reservations.release(key, id, requestId))
                      .thenApply(done -> reply));
            }));
  }

  public CompletionStage<Login> login(String email, String password) {
    return reservations.holder(emailKey(email))
        .thenCompose(holder -> holder.isEmpty()
            ? CompletableFuture.completedFuture(Optional.<User.State>empty())
            : get(holder.get()).thenApply(reply -> reply instanceof User.Accepted a
                ? Optional.of(a.user()) : Optional.<User.State>empty()))
        .thenCompose(user -> hashing.run(() -> {
          boolean ok = user.isPresent() && user.get().canAct() && email.equals(user.get().email())
              ? passwords.matches(password, user.get().passwordHash())
              : passwords.mismatch(password);
          return ok ? new LoggedIn(user.get()) : new Refused();
        }));
  }

  public CompletionStage<User.Reply> get(UUID id) {
    return user(id).ask(User.Get::new, askTimeout);
  }

  /**
   * Applies changes; a new password is hashed here, before it reaches the aggregate. With a
   * {@code currentPassword} (the user changing their own password), only if it is the user's
   * password now (else WRONG_PASSWORD), and only to the user as it was checked: the change
   * carries the version checked, so a change made meanwhile makes it a VERSION_MISMATCH instead of
   * a change confirmed by an old password (as does an If-Match naming another version).
   */
  public CompletionStage<User.Reply> update(UUID id, String fullName, String password, String currentPassword, Boolean active,
      List<String> roles, Long expectedVersion, String requestId) {
    if (currentPassword == null) {
      return change(id, fullName, password, active, roles, expectedVersion, requestId);
    }
    return get(id).thenCompose(reply -> {
      if (!(reply instanceof User.Accepted current)) {
        return CompletableFuture.completedFuture(reply);
      }
      User.State user = current.user();
      if (expectedVersion != null && expectedVersion != user.version()) {
        return CompletableFuture.completedFuture(
            new User.Rejected(User.Rejection.VERSION_MISMATCH, "user " + id + " is at version " + user.version()));
      }
      return hashing.run(() -> passwords.matches(currentPassword, user.passwordHash())).thenCompose(confirmed -> confirmed
          ? change(id, fullName, password, active, roles, user.version(), requestId)
          : CompletableFuture.completedFuture(
              new User.Rejected(User.Rejection.WRONG_PASSWORD, "the current password is wrong")));
    });
  }

  private CompletionStage<User.Reply> change(UUID id, String fullName, String password, Boolean active, List<String> roles,
      Long expectedVersion, String requestId) {
    CompletionStage<String> hash = password == null
        ? CompletableFuture.completedFuture(null)
        : hashing.run(() -> passwords.hash(password));
    return hash.thenCompose(h -> user(id).<User.Reply>ask(
        reply -> new User.Update(new User.Changes(fullName, h, active, roles), expectedVersion, requestId, reply), askTimeout));
  }

  /** Soft delete; the email becomes free for a new registration. */
  public CompletionStage<User.Reply> delete(UUID id, Long expectedVersion, String requestId) {
    return user(id).<User.Reply>ask(reply -> new User.Delete(expectedVersion, requestId, reply), askTimeout)
        .thenCompose(reply -> reply instanceof User.Accepted a
            ? reservations.release(emailKey(a.user().email()), id, requestId).thenApply(done -> reply)
            : CompletableFuture.completedFuture(reply));
  }

  /** Restores a deleted user if its email is still free (else ALREADY_EXISTS). */
  public CompletionStage<User.Reply> restore(UUID id, Long expectedVersion, String requestId) {
    return get(id).thenCompose(current -> {
      if (!(current instanceof User.Accepted a) || !a.user().deleted()) {
        return user(id).<User.Reply>ask(reply -> new User.Restore(expectedVersion, requestId, reply), askTimeout);
      }
      String email = a.user().email();
      String key = emailKey(email);
      return reservations.reserve(key, id, holder -> stillHolds(holder, email), requestId).thenCompose(reserved -> {
        if (!reserved) {
          return CompletableFuture.completedFuture(new User.Rejected(User.Rejection.ALREADY_EXISTS,
              "the email " + email + " was registered by another user meanwhile; user " + id + " cannot be restored"));
        }
        return user(id).<User.Reply>ask(reply -> new User.Restore(expectedVersion, requestId, reply), askTimeout)
            .thenCompose(reply -> reply instanceof User.Accepted
                ? reservations.confirm(key, id, requestId).thenApply(done -> reply)
                : CompletableFuture.completedFuture(reply));
      });
    });
  }

  /** The bootstrap admin: registered if its email is free, given the admin role if it lacks it. Idempotent. */
  public CompletionStage<User.State> ensureAdmin(String email, String password) {
    String normalized = User.normalizeEmail(email);
    List<String> roles = List.of(Role.ADMIN.label(), Role.USER.label());
    return register(normalized, password, "Administrator", roles, null).thenCompose(reply -> {
      if (reply instanceof User.Accepted a) {
        log.info("Created the admin user {}", normalized);
        return CompletableFuture.completedFuture(a.user());
      }
      return reservations.holder(emailKey(normalized))
          .thenCompose(holder -> get(holder.orElseThrow(() -> new IllegalStateException(
              "cannot create the admin " + normalized + ": " + ((User.Rejected) reply).message()))))
          .thenCompose(existing -> {
            User.State user = ((User.Accepted) existing).user();
            if (user.has(Role.ADMIN) && user.active()) {
              return CompletableFuture.completedFuture(user);
            }
            List<String> withAdmin = new ArrayList<>(user.roles());
            withAdmin.add(Role.ADMIN.label());
            log.info("Gave the existing user {} the admin role", normalized);
            return update(user.id(), null, null, null, true, withAdmin, null, null)
                .thenApply(updated -> ((User.Accepted) updated).user());
          });
    });
  }

  /** Asks a reservation's holder whether it still holds the email (voiding it if it never registered). */
  private CompletionStage<Boolean> stillHolds(UUID holder, String email) {
    return user(holder).<User.Holds>ask(reply -> new User.StillHolds(email, reply), askTimeout).thenApply(User.Holds::holds);
  }

  private static User.Reply emailTaken(String email) {
    return new User.Rejected(User.Rejection.ALREADY_EXISTS, "a user with the email " + email + " already exists");
  }

  private EntityRef<User.Command> user(UUID id) {
    return sharding.entityRefFor(User.ENTITY_TYPE_KEY, id.toString());
  }
}
