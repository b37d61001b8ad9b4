package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tablecast.http.Json;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** An item's events straight from the journal: the audit trail of GET /api/items/{id}/history. */
public final class ItemHistory {
  public record Entry(String type, long version, Instant timestamp, JsonNode payload) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public ItemHistory(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  public CompletionStage<List<Entry>> of(UUID itemId) {
    return journal
        .currentEventsByPersistenceId(Item.ENTITY_TYPE_KEY.name() + "|" + itemId, 0L, Long.MAX_VALUE)
        .map(envelope -> {
          Item.Event event = (Item.Event) envelope.event();
          ObjectNode payload = Json.MAPPER.valueToTree(event);
          payload.remove("request_id"); // for the logs only, not part of the API
          return new Entry(event.getClass().getSimpleName(), envelope.sequenceNr(), event.at(), payload);
        })
        .runWith(Sink.seq(), system);
  }
}
