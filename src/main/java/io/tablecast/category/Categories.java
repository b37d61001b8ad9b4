package io.tablecast.category;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.tablecast.Settings;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.unique.Reservations;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Category commands that also reserve or free the name; routes use these, never the aggregate
 * directly. {@code requestId}: the HTTP request the command is sent for (null if none).
 */
public final class Categories {
  private final ClusterSharding sharding;
  private final Reservations reservations;
  private final Duration askTimeout;

  public Categories(ActorSystem<?> system, Settings settings, Reservations reservations) {
    this.sharding = ClusterSharding.get(system);
    this.reservations = reservations;
    this.askTimeout = settings.http().askTimeout();
  }

  static String key(String name) {
    return Reservations.key(Category.NAME_KIND, Category.nameKey(name));
  }

  public CompletionStage<Category.Reply> create(String name, String description, String requestId) {
    UUID id = TimeOrderedUuid.create();
    String key = key(name);
    return reservations.reserve(key, id, holder -> stillHolds(holder, name), requestId).thenCompose(reserved -> {
      if (!reserved) {
        return CompletableFuture.completedFuture(nameTaken(name));
      }
      return category(id).<Category.Reply>ask(reply -> new Category.Create(name, description, requestId, reply), askTimeout)
          .thenCompose(reply -> (reply instanceof Category.Accepted
                  ? reservations.confirm(key, id, requestId)
                  : reservations.release(key, id, requestId))
              .thenApply(done -> reply));
    });
  }

  public CompletionStage<Category.Reply> get(UUID id) {
    return category(id).ask(Category.Get::new, askTimeout);
  }

  /** A rename reserves the new name first and frees the old one after. */
  public CompletionStage<Category.Reply> update(
      UUID id, Category.Changes changes, Long expectedVersion, String requestId) {
    if (changes.name() == null) {
      return send(id, changes, expectedVersion, requestId);
    }
    return get(id).thenCompose(current -> {
      if (!(current instanceof Category.Accepted a) || !a.category().active()
          || key(a.category().name()).equals(key(changes.name()))) {
        return send(id, changes, expectedVersion, requestId);
      }
      String oldKey = key(a.category().name());
      String newKey = key(changes.name());
      return reservations.reserve(newKey, id, holder -> stillHolds(holder, changes.name()), requestId).thenCompose(reserved -> {
        if (!reserved) {
          return CompletableFuture.completedFuture(nameTaken(changes.name()));
        }
        return send(id, changes, expectedVersion, requestId).thenCompose(reply -> reply instanceof Category.Accepted
            ? reservations.confirm(newKey, id, requestId)
                .thenCompose(ok -> reservations.release(oldKey, id, requestId)).thenApply(ok -> reply)
            : reservations.release(newKey, id, requestId).thenApply(ok -> reply));
      });
    });
  }

  /** Soft delete; the name becomes free. Items are detached by the item package's {@code CategoryDetacher}. */
  public CompletionStage<Category.Reply> delete(UUID id, Long expectedVersion, String requestId) {
    return category(id).<Category.Reply>ask(reply -> new Category.Delete(expectedVersion, requestId, reply), askTimeout)
        .thenCompose(reply -> reply instanceof Category.Accepted a
            ? reservations.release(key(a.category().name()), id, requestId).thenApply(ok -> reply)
            : CompletableFuture.completedFuture(reply));
  }

  public CompletionStage<Category.Reply> restore(UUID id, Long expectedVersion, String requestId) {
    return get(id).thenCompose(current -> {
      if (!(current instanceof Category.Accepted a) || !a.category().deleted()) {
        return category(id).<Category.Reply>ask(reply -> new Category.Restore(expectedVersion, requestId, reply), askTimeout);
      }
      String name = a.category().name();
      return reservations.reserve(key(name), id, holder -> stillHolds(holder, name), requestId).thenCompose(reserved -> {
        if (!reserved) {
          return CompletableFuture.completedFuture(new Category.Rejected(Category.Rejection.ALREADY_EXISTS,
              "another category is named '" + name + "' now; category " + id + " cannot be restored"));
        }
        return category(id).<Category.Reply>ask(reply -> new Category.Restore(expectedVersion, requestId, reply), askTimeout)
            .thenCompose(reply -> reply instanceof Category.Accepted
                ? reservations.confirm(key(name), id, requestId).thenApply(ok -> reply)
                : CompletableFuture.completedFuture(reply));
      });
    });
  }

  private CompletionStage<Category.Reply> send(
      UUID id, Category.Changes changes, Long expectedVersion, String requestId) {
    return category(id).ask(reply -> new Category.Update(changes, expectedVersion, requestId, reply), askTimeout);
  }

  private CompletionStage<Boolean> stillHolds(UUID holder, String name) {
    return category(holder).<Category.Holds>ask(reply -> new Category.StillHolds(name, reply), askTimeout)
        .thenApply(Category.Holds::holds);
  }

  private static Category.Reply nameTaken(String name) {
    return new Category.Rejected(Category.Rejection.ALREADY_EXISTS, "a category named '" + name.trim() + "' already exists");
  }

  private EntityRef<Category.Command> category(UUID id) {
    return sharding.entityRefFor(Category.ENTITY_TYPE_KEY, id.toString());
  }
}
