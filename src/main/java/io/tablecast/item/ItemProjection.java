package io.tablecast.item;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.StatementBatches;
import java.sql.SQLException;
import java.util.List;

/**
 * Casts Item events into the {@code items} table of one generation. Times come from the events and
 * versions from sequence numbers, so a rebuild writes exactly the same rows.
 */
public final class ItemProjection extends JdbcHandler<List<EventEnvelope<Item.Event>>, PooledJdbcSession> {
  public static final String NAME = "items";
  private static final String PUBLISHED = "published";

  public static ReadProjection<Item.Event> definition() {
    return new ReadProjection<>(NAME, Item.TAG_PREFIX, ItemProjection::new);
  }

  private final String insert;
  private final String update;
  private final String delete;
  private final String restore;
  private final String detach;
  private final String clearTags;
  private final String addTag;

  private ItemProjection(String schema) {
    String table = schema + ".items";
    insert =
        "INSERT INTO " + table + " (id, title, content, status, category_id, owner_id, created_at, updated_at, version,"
            + " slug, slug_locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    update =
        "UPDATE " + table + " SET title = ?, content = ?, status = ?, category_id = ?, updated_at = ?, version = ?,"
            // The slug follows the title until the item is first published (right-hand sides see the old row).
            + " slug = CASE WHEN slug_locked THEN slug ELSE ? END, slug_locked = slug_locked OR ?"
            + " WHERE id = ?";
    delete = "UPDATE " + table + " SET deleted_at = ?, updated_at = ?, version = ? WHERE id = ?";
    restore = "UPDATE " + table + " SET deleted_at = NULL, updated_at = ?, version = ? WHERE id = ?";
    detach = "UPDATE " + table + " SET category_id = NULL, updated_at = ?, version = ? WHERE id = ?";
    clearTags = "DELETE FROM " + schema + ".item_tags WHERE item_id = ?";
    addTag = "INSERT INTO " + schema + ".item_tags (item_id, tag) VALUES (?, ?)";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<Item.Event>> envelopes) throws Exception {
    session.withConnection(
        connection -> {
          try (StatementBatches batches = new StatementBatches(connection)) {
            for (EventEnvelope<Item.Event> envelope : envelopes) {
              write(batches, envelope.event(), envelope.sequenceNr());
            }
          }
          return null;
        });
  }

  private void write(StatementBatches batches, Item.Event event, long version) throws SQLException {
    if (event instanceof Item.Created e) {
      batches.add(insert, e.itemId(), ps -> {
        ps.setObject(1, e.itemId());
        ps.setString(2, e.title());
        ps.setString(3, e.content());
        ps.setString(4, e.status());
        Sql.setUuid(ps, 5, e.categoryId());
        Sql.setUuid(ps, 6, e.ownerId());
        Sql.setTime(ps, 7, e.at());
        Sql.setTime(ps, 8, e.at());
        ps.setLong(9, version);
        ps.setString(10, Slugs.of(e.title(), e.itemId()));
        ps.setBoolean(11, PUBLISHED.equals(e.status()));
      });
      tags(batches, e.itemId(), Item.tagsOf(e.tags()));
    } else if (event instanceof Item.Updated e) {
      batches.add(update, e.itemId(), ps -> {
        ps.setString(1, e.title());
        ps.setString(2, e.content());
        ps.setString(3, e.status());
        Sql.setUuid(ps, 4, e.categoryId());
        Sql.setTime(ps, 5, e.at());
        ps.setLong(6, version);
        ps.setString(7, Slugs.of(e.title(), e.itemId()));
        ps.setBoolean(8, PUBLISHED.equals(e.status()));
        ps.setObject(9, e.itemId());
      });
      if (e.changedFields().contains("tags")) {
        batches.add(clearTags, ps -> ps.setObject(1, e.itemId()));
        tags(batches, e.itemId(), Item.tagsOf(e.tags()));
      }
    } else if (event instanceof Item.CategoryDetached e) {
      batches.add(detach, ps -> {
        Sql.setTime(ps, 1, e.at());
        ps.setLong(2, version);
        ps.setObject(3, e.itemId());
      });
    } else if (event instanceof Item.Deleted e) {
      batches.add(delete, e.itemId(), ps -> {
        Sql.setTime(ps, 1, e.at());
        Sql.setTime(ps, 2, e.at());
        ps.setLong(3, version);
        ps.setObject(4, e.itemId());
      });
    } else if (event instanceof Item.Restored e) {
      batches.add(restore, e.itemId(), ps -> {
        Sql.setTime(ps, 1, e.at());
        ps.setLong(2, version);
        ps.setObject(3, e.itemId());
      });
    } else {
      throw new IllegalArgumentException("items projection cannot handle " + event.getClass().getName());
    }
  }

  private void tags(StatementBatches batches, java.util.UUID itemId, List<String> tags) throws SQLException {
    for (String tag : tags) {
      batches.add(addTag, ps -> {
        ps.setObject(1, itemId);
        ps.setString(2, tag);
      });
    }
  }

}
