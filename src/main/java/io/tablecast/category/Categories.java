package io.tablecast.category;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.unique.Reservations;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Category commands that also reserve or free the name; routes use these, never the aggregate
 * directly. {@code requestId}: the HTTP request the command is sent for (null if none).
 */
public final class Categories {
  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final ClusterSharding sharding;
  private final Reservations reservations;
  private final Duration askTimeout;

  public Categories(ActorSystem<?> system, Settings settings, Reservations reservations) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.sharding = ClusterSharding.get(system);
    this.reservations = reservations;
    this.askTimeout = settings.http().askTimeout();
  }

  static String key(String name) {
    return Reservations.key(Category.NAME_KIND, Category.nameKey(name));
  }

  public CompletionStage<Reply<Category.State>> create(String name, String description, String requestId) {
    UUID id = TimeOrderedUuid.create();
    return withName(id, name, requestId, true,
        () -> category(id).ask(reply -> new Category.Create(name, description, requestId, reply), askTimeout),
        () -> nameTaken(name));
  }

  public CompletionStage<Reply<Category.State>> get(UUID id) {
    return category(id).ask(Category.Get::new, askTimeout);
  }

  /** The category, if it exists and is not deleted. */
  public CompletionStage<Optional<Category.State>> live(UUID id) {
    return get(id).thenApply(reply -> reply instanceof Category.Accepted a && a.state().active()
        ? Optional.of(a.state()) : Optional.empty());
  }

  /**
   * Whether a category seen live is live still, from its events in the journal since: for a write
   * that checked the category before it, to learn whether the category was deleted meanwhile.
   */
  public CompletionStage<Boolean> stillLive(Category.State seen) {
    return journal
        .currentEventsByPersistenceId(Category.persistenceIdOf(seen.id().toString()).id(), seen.version() + 1, Long.MAX_VALUE)
        .runFold(seen, (state, envelope) -> state.apply((Category.Event) envelope.event()), system)
        .thenApply(Category.State::active);
  }

  /** A rename reserves the new name first and frees the old one after. */
  public CompletionStage<Reply<Category.State>> update(
      UUID id, Category.Changes changes, Long expectedVersion, String requestId) {
    if (changes.name() == null) {
      return send(id, changes, expectedVersion, requestId);
    }
    return get(id).thenCompose(current -> {
      if (!(current instanceof Category.Accepted a) || !a.state().active() || a.state().holds(changes.name())) {
        return send(id, changes, expectedVersion, requestId);
      }
      String oldKey = key(a.state().name());
      return withName(id, changes.name(), requestId, true, () -> send(id, changes, expectedVersion, requestId),
              () -> nameTaken(changes.name()))
          .thenCompose(reply -> reply instanceof Category.Accepted
              ? reservations.release(oldKey, id, requestId).thenApply(ok -> reply)
              : CompletableFuture.completedFuture(reply));
    });
  }

  /** Soft delete; the name becomes free. Items are detached by the item package's {@code CategoryDetacher}. */
  public CompletionStage<Reply<Category.State>> delete(UUID id, Long expectedVersion, String requestId) {
    return category(id).<Reply<Category.State>>ask(reply -> new Category.Delete(expectedVersion, requestId, reply), askTimeout)
        .thenCompose(reply -> reply instanceof Category.Accepted a
            ? reservations.release(key(a.state().name()), id, requestId).thenApply(ok -> reply)
            : CompletableFuture.completedFuture(reply));
  }

  /** Restores a deleted category if its name is still free (else ALREADY_EXISTS). */
  public CompletionStage<Reply<Category.State>> restore(UUID id, Long expectedVersion, String requestId) {
    return get(id).thenCompose(current -> {
      if (!(current instanceof Category.Accepted a) || !a.state().deleted()) {
        return restoring(id, expectedVersion, requestId);
      }
      String name = a.state().name();
      return withName(id, name, requestId, false, () -> restoring(id, expectedVersion, requestId),
          () -> new Reply.Rejected<>(Rejection.ALREADY_EXISTS,
              "another category is named '" + name + "' now; category " + id + " cannot be restored"));
    });
  }

  private CompletionStage<Reply<Category.State>> withName(UUID id, String name, String requestId, boolean releaseIfRejected,
      Supplier<CompletionStage<Reply<Category.State>>> command,
      Supplier<Reply<Category.State>> taken) {
    return reservations.whileReserved(key(name), id, holder -> stillHolds(holder, name), requestId,
        command, reply -> reply instanceof Category.Accepted, releaseIfRejected, taken);
  }

  private CompletionStage<Reply<Category.State>> restoring(UUID id, Long expectedVersion, String requestId) {
    return category(id).ask(reply -> new Category.Restore(expectedVersion, requestId, reply), askTimeout);
  }

  private CompletionStage<Reply<Category.State>> send(
      UUID id, Category.Changes changes, Long expectedVersion, String requestId) {
    return category(id).ask(reply -> new Category.Update(changes, expectedVersion, requestId, reply), askTimeout);
  }

  private CompletionStage<Boolean> stillHolds(UUID holder, String name) {
    return category(holder).<Category.Holds>ask(reply -> new Category.StillHolds(name, reply), askTimeout)
        .thenApply(Category.Holds::holds);
  }

  private static Reply<Category.State> nameTaken(String name) {
    return new Reply.Rejected<>(Rejection.ALREADY_EXISTS, "a category named '" + name.trim() + "' already exists");
  }

  private EntityRef<Category.Command> category(UUID id) {
    return sharding.entityRefFor(Category.ENTITY_TYPE_KEY, id.toString());
  }
}
