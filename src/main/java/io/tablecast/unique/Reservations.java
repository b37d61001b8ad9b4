package io.tablecast.unique;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.tablecast.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The reservation protocol over {@link UniqueValue}: reserve a value for an owner before creating
 * the owner, confirm once it exists, release when it gives the value up.
 *
 * <p>A creator can crash between reserving and creating, and a release can be lost. So when a claim
 * finds the value held by another owner whose reservation is confirmed, or unconfirmed for longer
 * than the claim lease, it asks that owner whether it still holds the value ({@code stillHolds}).
 * The owner aggregate answers as the single writer of itself: an owner that does not exist yet is
 * voided by that question (it can never be created afterwards), a deleted owner or one whose value
 * changed answers no. Only then is the value taken over, and only if nobody claimed it meanwhile.
 */
public final class Reservations {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Duration lease;

  public Reservations(ActorSystem<?> system, Settings settings) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = settings.http().askTimeout();
    this.lease = settings.auth().claimLease();
  }

  /** The entity key of a value: kind plus the normalized value. */
  public static String key(String kind, String normalizedValue) {
    return kind + ":" + normalizedValue;
  }

  /**
   * Reserves {@code key} for {@code owner}: true when it is the owner's now, false when another
   * live owner holds it. {@code stillHolds} asks a holder whether it still holds the value.
   * {@code requestId}: the HTTP request the reservation is made for (null if none).
   */
  public CompletionStage<Boolean> reserve(
      String key, UUID owner, Function<UUID, CompletionStage<Boolean>> stillHolds, String requestId) {
    return value(key).<UniqueValue.Reply>ask(reply -> new UniqueValue.Claim(owner, requestId, reply), askTimeout)
        .thenCompose(reply -> {
          if (reply instanceof UniqueValue.Granted) {
            return CompletableFuture.completedFuture(true);
          }
          if (!(reply instanceof UniqueValue.Held held)) {
            return CompletableFuture.completedFuture(false);
          }
          boolean fresh = !held.confirmed() && held.claimedAt().plus(lease).isAfter(Instant.now());
          if (fresh) {
            return CompletableFuture.completedFuture(false);
          }
          return stillHolds.apply(held.holder()).thenCompose(holds -> {
            if (holds) {
              if (!held.confirmed()) {
                confirm(key, held.holder(), requestId);
              }
              return CompletableFuture.completedFuture(false);
            }
            return value(key)
                .<UniqueValue.Reply>ask(reply2 -> new UniqueValue.TakeOver(held.holder(), held.claim(), owner, requestId, reply2), askTimeout)
                .thenApply(r -> r instanceof UniqueValue.Granted);
          });
        });
  }

  /**
   * Runs {@code command} while {@code key} is reserved for {@code owner}, and confirms the
   * reservation once the command is {@code accepted}. A rejected command's reservation is released
   * when {@code releaseIfRejected}; otherwise it is left unconfirmed (the owner may hold the value
   * already, as a restore that raced another does) and a later claim asks the owner whether it holds
   * it. When another live owner holds the key, {@code command} does not run and the answer is
   * {@code taken}.
   */
  public <R> CompletionStage<R> whileReserved(
      String key, UUID owner, Function<UUID, CompletionStage<Boolean>> stillHolds, String requestId,
      Supplier<CompletionStage<R>> command, Predicate<R> accepted, boolean releaseIfRejected, Supplier<R> taken) {
    return reserve(key, owner, stillHolds, requestId).thenCompose(reserved -> {
      if (!reserved) {
        return CompletableFuture.completedFuture(taken.get());
      }
      return command.get().thenCompose(reply -> {
        if (accepted.test(reply)) {
          return confirm(key, owner, requestId).thenApply(done -> reply);
        }
        return releaseIfRejected
            ? release(key, owner, requestId).thenApply(done -> reply)
            : CompletableFuture.completedFuture(reply);
      });
    });
  }

  public CompletionStage<Boolean> confirm(String key, UUID owner, String requestId) {
    return value(key).<UniqueValue.Reply>ask(reply -> new UniqueValue.Confirm(owner, requestId, reply), askTimeout)
        .thenApply(r -> r instanceof UniqueValue.Granted);
  }

  public CompletionStage<Boolean> release(String key, UUID owner, String requestId) {
    return value(key).<UniqueValue.Reply>ask(reply -> new UniqueValue.Release(owner, requestId, reply), askTimeout)
        .thenApply(r -> r instanceof UniqueValue.Free);
  }

  /** Who holds the value now (confirmed or not), if anyone. */
  public CompletionStage<Optional<UUID>> holder(String key) {
    return value(key).<UniqueValue.Reply>ask(UniqueValue.Lookup::new, askTimeout)
        .thenApply(r -> r instanceof UniqueValue.Held held ? Optional.of(held.holder()) : Optional.empty());
  }

  private EntityRef<UniqueValue.Command> value(String key) {
    return sharding.entityRefFor(UniqueValue.ENTITY_TYPE_KEY, key);
  }
}
