package io.tablecast.item;

import akka.Done;
import akka.actor.typed.ActorSystem;
import io.tablecast.EntityLog;
import io.tablecast.Settings;
import io.tablecast.db.FirstEvents;
import io.tablecast.metrics.Metrics;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Writes a new item's {@link Item.Created} event as the item's first event, tagged as its entity
 * would tag it, without starting the entity ({@link FirstEvents}); the entity starts, and recovers
 * the event, on the item's first later command. The event is decided by {@link Item#created}.
 */
final class NewItems {
  private final Settings settings;
  private final Metrics metrics;
  private final FirstEvents firstEvents;
  private final Duration timeout;

  NewItems(ActorSystem<?> system, Settings settings, Metrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.firstEvents = FirstEvents.get(system);
    this.timeout = settings.http().askTimeout();
  }

  CompletionStage<Done> write(Item.Created created) {
    String itemId = created.itemId().toString();
    String persistenceId = Item.persistenceIdOf(itemId).id();
    return firstEvents.write(persistenceId, created, Set.of(Item.tagOf(itemId, settings)), timeout)
        .whenComplete((done, failure) -> {
          metrics.command("item", failure == null ? "accepted" : "failed");
          if (failure == null) {
            new EntityLog("item", persistenceId, () -> 1, metrics).persisted(created, created.requestId());
          }
        });
  }
}
