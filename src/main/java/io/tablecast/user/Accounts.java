package io.tablecast.user;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.aggregate.Role;
import io.tablecast.unique.Reservations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
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
  public CompletionStage<Reply<User.State>> register(
      String email, String password, String fullName, List<String> roles, String requestId) {
    UUID id = TimeOrderedUuid.create();
    return hashing.run(() -> passwords.hash(password)).thenCompose(hash -> withEmail(id, email, requestId, true,
        () -> user(id).ask(reply -> new User.Register(email, hash, fullName, roles, requestId, reply), askTimeout),
        () -> new Reply.Rejected<>(Rejection.ALREADY_EXISTS, "a user with the email " + email + " already exists")));
  }

  public CompletionStage<Login> login(String email, String password) {
    return reservations.holder(emailKey(email))
        .thenCompose(holder -> holder.isEmpty()
            ? CompletableFuture.completedFuture(Optional.<User.State>empty())
            : get(holder.get(), Actor.SYSTEM).thenApply(reply -> reply instanceof User.Accepted a
                ? Optional.of(a.state()) : Optional.<User.State>empty()))
        .thenCompose(user -> hashing.run(() -> {
          boolean ok = user.isPresent() && user.get().canAct() && email.equals(user.get().email())
              ? passwords.matches(password, user.get().passwordHash())
              : passwords.mismatch(password);
          return ok ? new LoggedIn(user.get()) : new Refused();
        }));
  }

  public CompletionStage<Reply<User.State>> get(UUID id, Actor by) {
    return user(id).ask(reply -> new User.Get(by, reply), askTimeout);
  }

  /**
   * Applies changes; a new password is hashed here, before it reaches the aggregate. With a
   * {@code currentPassword} (the user changing their own password), only if it is the user's
   * password now (else WRONG_PASSWORD), and only to the user as it was checked: the change carries the
   * version checked, so a change made meanwhile makes it a VERSION_MISMATCH instead of a change
   * confirmed by an old password (as does an If-Match naming another version).
   */
  public CompletionStage<Reply<User.State>> update(UUID id, Actor by, User.Changes changes, String password,
      String currentPassword, Long expectedVersion, String requestId) {
    if (currentPassword == null) {
      return change(id, by, changes, password, expectedVersion, requestId);
    }
    return get(id, by).thenCompose(reply -> {
      if (!(reply instanceof User.Accepted current)) {
        return CompletableFuture.completedFuture(reply);
      }
      User.State user = current.state();
      if (expectedVersion != null && expectedVersion != user.version()) {
        return CompletableFuture.completedFuture(
            new Reply.Rejected<>(Rejection.VERSION_MISMATCH, "user " + id + " is at version " + user.version()));
      }
      return hashing.run(() -> passwords.matches(currentPassword, user.passwordHash())).thenCompose(confirmed -> confirmed
          ? change(id, by, changes, password, user.version(), requestId)
          : CompletableFuture.completedFuture(new Reply.Rejected<>(Rejection.WRONG_PASSWORD, "the current password is wrong")));
    });
  }

  /** {@code changes} without the password's hash, which is made here from {@code password}. */
  private CompletionStage<Reply<User.State>> change(UUID id, Actor by, User.Changes changes, String password,
      Long expectedVersion, String requestId) {
    CompletionStage<String> hash = password == null
        ? CompletableFuture.completedFuture(null)
        : hashing.run(() -> passwords.hash(password));
    return hash.thenCompose(h -> user(id).ask(reply -> new User.Update(
        new User.Changes(changes.fullName(), h, changes.active(), changes.roles()), by, expectedVersion, requestId, reply),
        askTimeout));
  }

  /** Soft delete; the email becomes free for a new registration. */
  public CompletionStage<Reply<User.State>> delete(UUID id, Actor by, Long expectedVersion, String requestId) {
    return user(id).<Reply<User.State>>ask(reply -> new User.Delete(by, expectedVersion, requestId, reply), askTimeout)
        .thenCompose(reply -> reply instanceof User.Accepted a
            ? reservations.release(emailKey(a.state().email()), id, requestId).thenApply(done -> reply)
            : CompletableFuture.completedFuture(reply));
  }

  /** Restores a deleted user if its email is still free (else ALREADY_EXISTS). */
  public CompletionStage<Reply<User.State>> restore(UUID id, Actor by, Long expectedVersion, String requestId) {
    return get(id, Actor.SYSTEM).thenCompose(current -> {
      if (!(current instanceof User.Accepted a) || !a.state().deleted()) {
        return restoring(id, by, expectedVersion, requestId);
      }
      String email = a.state().email();
      return withEmail(id, email, requestId, false, () -> restoring(id, by, expectedVersion, requestId),
          () -> new Reply.Rejected<>(Rejection.ALREADY_EXISTS,
              "the email " + email + " was registered by another user meanwhile; user " + id + " cannot be restored"));
    });
  }

  private CompletionStage<Reply<User.State>> restoring(UUID id, Actor by, Long expectedVersion, String requestId) {
    return user(id).ask(reply -> new User.Restore(by, expectedVersion, requestId, reply), askTimeout);
  }

  private CompletionStage<Reply<User.State>> withEmail(UUID id, String email, String requestId, boolean releaseIfRejected,
      Supplier<CompletionStage<Reply<User.State>>> command, Supplier<Reply<User.State>> taken) {
    return reservations.whileReserved(emailKey(email), id, holder -> stillHolds(holder, email), requestId,
        command, reply -> reply instanceof User.Accepted, releaseIfRejected, taken);
  }

  /** The bootstrap admin: registered if its email is free, given the admin role if it lacks it. Idempotent. */
  public CompletionStage<User.State> ensureAdmin(String email, String password) {
    String normalized = User.normalizeEmail(email);
    List<String> roles = List.of(Role.ADMIN.label(), Role.USER.label());
    return register(normalized, password, "Administrator", roles, null).thenCompose(reply -> {
      if (reply instanceof User.Accepted a) {
        log.info("Created the admin user {}", normalized);
        return CompletableFuture.completedFuture(a.state());
      }
      return reservations.holder(emailKey(normalized))
          .thenCompose(holder -> get(holder.orElseThrow(() -> new IllegalStateException(
              "cannot create the admin " + normalized + ": " + ((Reply.Rejected<User.State>) reply).message())), Actor.SYSTEM))
          .thenCompose(existing -> {
            User.State user = ((User.Accepted) existing).state();
            if (user.has(Role.ADMIN) && user.active()) {
              return CompletableFuture.completedFuture(user);
            }
            List<String> withAdmin = new ArrayList<>(user.roles());
            withAdmin.add(Role.ADMIN.label());
            log.info("Gave the existing user {} the admin role", normalized);
            return update(user.id(), Actor.SYSTEM, new User.Changes(null, null, true, withAdmin), null, null, null, null)
                .thenApply(updated -> ((User.Accepted) updated).state());
          });
    });
  }

  /** Asks a reservation's holder whether it still holds the email (voiding it if it never registered). */
  private CompletionStage<Boolean> stillHolds(UUID holder, String email) {
    return user(holder).<User.Holds>ask(reply -> new User.StillHolds(email, reply), askTimeout).thenApply(User.Holds::holds);
  }

  private EntityRef<User.Command> user(UUID id) {
    return sharding.entityRefFor(User.ENTITY_TYPE_KEY, id.toString());
  }
}
