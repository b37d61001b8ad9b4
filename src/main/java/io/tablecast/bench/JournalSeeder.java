package io.tablecast.bench;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import io.tablecast.EventTime;
import io.tablecast.TimeOrderedUuid;
import io.tablecast.item.Item;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes Item Created events straight into the journal (serialized exactly as the aggregate's
 * would be, tagged as the aggregate tags them), so catch-up and rebuild can be measured on a
 * history of any size without replaying it through HTTP first.
 */
final class JournalSeeder {
  private static final int BATCH = 1000;

  private JournalSeeder() {}

  /**
   * Appends {@code count} items' Created events; returns their ids. Their orderings come from the
   * journal's sequence, so a node may write beside it.
   */
  static List<UUID> seed(DataSource dataSource, int count, int slices) throws Exception {
    ActorSystem system = ActorSystem.create("bench-serialization",
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load()));
    List<UUID> ids = new ArrayList<>(count);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      Serialization serialization = SerializationExtension.get(system);
      Instant start = EventTime.now();
      try (PreparedStatement orderings = c.prepareStatement(
              "SELECT nextval('journal.event_journal_ordering_seq') FROM generate_series(1, ?)");
          PreparedStatement journal = c.prepareStatement(
              "INSERT INTO journal.event_journal (ordering, persistence_id, sequence_number, writer, write_timestamp, "
                  + "adapter_manifest, event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, 1, 'bench', ?, '', ?, ?, ?)");
          PreparedStatement tag = c.prepareStatement("INSERT INTO journal.event_tag (event_id, tag) VALUES (?, ?)")) {
        for (int first = 0; first < count; first += BATCH) {
          int size = Math.min(BATCH, count - first);
          // Like any journal insert, hold the table's write lock before drawing positions: a
          // catch-up that starts meanwhile then waits for this batch (JournalCatchUp).
          try (Statement lock = c.createStatement()) {
            lock.execute("LOCK TABLE journal.event_journal IN ROW EXCLUSIVE MODE");
          }
          orderings.setInt(1, size);
          try (ResultSet rs = orderings.executeQuery()) {
            for (int i = first; i < first + size; i++) {
              rs.next();
              long ordering = rs.getLong(1);
              UUID id = TimeOrderedUuid.create();
              ids.add(id);
              Instant at = start.plus(i, ChronoUnit.MICROS);
              Item.Created event =
                  new Item.Created(id, "Item " + i, "Seeded content of item " + i, "draft", null, null, List.of(), at, null);
              Serializer serializer = serialization.findSerializerFor(event);
              journal.setLong(1, ordering);
              journal.setString(2, Item.ENTITY_TYPE_KEY.name() + "|" + id);
              journal.setLong(3, at.toEpochMilli());
              journal.setInt(4, serializer.identifier());
              journal.setString(5, Serializers.manifestFor(serializer, event));
              journal.setBytes(6, serializer.toBinary(event));
              journal.addBatch();
              tag.setLong(1, ordering);
              tag.setString(2, Item.TAG_PREFIX + "-" + Math.floorMod(id.toString().hashCode(), slices));
              tag.addBatch();
            }
          }
          journal.executeBatch();
          tag.executeBatch();
          c.commit();
        }
      }
    } finally {
      system.terminate();
    }
    return ids;
  }
}
