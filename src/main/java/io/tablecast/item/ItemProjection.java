package io.tablecast.item;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.BinaryCopy;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Casts Item events into {@code items} and {@code item_tags} of one generation. A batch is folded
 * in memory ({@link ItemRow#apply}): the rows it touches are read once, changed by every event of
 * the batch in order, and written once each — a catch-up writes an item created and updated three
 * times as one row, not four statements. The result is the same whatever the batch boundaries, so
 * a rebuild writes exactly the rows the live projection wrote.
 */
public final class ItemProjection extends JdbcHandler<List<EventEnvelope<Item.Event>>, PooledJdbcSession> {
  public static final String NAME = "items";

  /** Bump when this handler writes different rows for the same events; the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<Item.Event> definition() {
    return new ReadProjection<>(NAME, Item.TAG_PREFIX, VERSION, ItemProjection::new);
  }

  private static final String[] COLUMNS = {
    "id", "title", "content", "status", "category_id", "owner_id", "created_at", "updated_at", "deleted_at", "version",
    "slug", "slug_locked"
  };

  private final String items;
  private final String itemTags;
  private final String select;
  private final String upsert;
  private final String clearTags;

  private ItemProjection(String schema) {
    items = schema + ".items";
    itemTags = schema + ".item_tags";
    String columns = String.join(", ", COLUMNS);
    select = "SELECT " + columns + " FROM " + items + " WHERE id = ANY (?)";
    upsert = "INSERT INTO " + items + " (" + columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content,"
        + " status = excluded.status, category_id = excluded.category_id, owner_id = excluded.owner_id,"
        + " created_at = excluded.created_at, updated_at = excluded.updated_at, deleted_at = excluded.deleted_at,"
        + " version = excluded.version, slug = excluded.slug, slug_locked = excluded.slug_locked";
    clearTags = "DELETE FROM " + itemTags + " WHERE item_id = ANY (?)";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<Item.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      write(connection, envelopes);
      return null;
    });
  }

  private void write(Connection connection, List<EventEnvelope<Item.Event>> envelopes) throws SQLException {
    // An item whose first event in the batch is its Created has no row yet: nothing to read, and
    // its row is inserted with COPY (should it exist after all, the primary key refuses the
    // batch). A rebuild's catch-up is mostly such items.
    Set<UUID> created = new HashSet<>();
    Set<UUID> existing = new LinkedHashSet<>();
    for (EventEnvelope<Item.Event> envelope : envelopes) {
      UUID id = envelope.event().itemId();
      if (!created.contains(id) && !existing.contains(id)) {
        (envelope.event() instanceof Item.Created ? created : existing).add(id);
      }
    }
    Map<UUID, ItemRow> before = load(connection, existing);
    Map<UUID, ItemRow> changed = new LinkedHashMap<>();
    Map<UUID, List<String>> tags = new LinkedHashMap<>();
    for (EventEnvelope<Item.Event> envelope : envelopes) {
      Item.Event event = envelope.event();
      UUID id = event.itemId();
      ItemRow row = changed.containsKey(id) ? changed.get(id) : before.get(id);
      if (event instanceof Item.Created e) {
        if (row != null) {
          throw new IllegalStateException("item " + id + " is created twice (" + envelope.persistenceId() + ")");
        }
        changed.put(id, ItemRow.created(e, envelope.sequenceNr()));
        tags.put(id, Item.tagsOf(e.tags()));
      } else if (row != null) {
        changed.put(id, row.apply(event, envelope.sequenceNr()));
        if (event instanceof Item.Updated e && e.changedFields().contains("tags")) {
          tags.put(id, Item.tagsOf(e.tags()));
        }
      }
    }
    Map<Boolean, List<ItemRow>> isNew =
        changed.values().stream().collect(Collectors.partitioningBy(row -> created.contains(row.id())));
    insertRows(connection, isNew.get(true));
    upsertRows(connection, isNew.get(false));
    writeTags(connection, tags, before);
  }

  /** The rows these items have now. */
  private Map<UUID, ItemRow> load(Connection connection, Set<UUID> items) throws SQLException {
    Map<UUID, ItemRow> rows = new HashMap<>();
    if (items.isEmpty()) {
      return rows;
    }
    Object[] ids = items.toArray();
    try (PreparedStatement ps = connection.prepareStatement(select)) {
      Array array = connection.createArrayOf("uuid", ids);
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ItemRow row = new ItemRow(
              Sql.uuid(rs, "id"), rs.getString("title"), rs.getString("content"), rs.getString("status"),
              Sql.uuid(rs, "category_id"), Sql.uuid(rs, "owner_id"), Sql.instant(rs, "created_at"),
              Sql.instant(rs, "updated_at"), Sql.instant(rs, "deleted_at"), rs.getLong("version"), rs.getString("slug"),
              rs.getBoolean("slug_locked"));
          rows.put(row.id(), row);
        }
      }
      array.free();
    }
    return rows;
  }

  private void insertRows(Connection connection, List<ItemRow> rows) throws SQLException {
    BinaryCopy copy = new BinaryCopy(items, COLUMNS);
    for (ItemRow row : rows) {
      copy.row().uuid(row.id()).text(row.title()).text(row.content()).text(row.status())
          .uuid(row.categoryId()).uuid(row.ownerId())
          .timestamp(row.createdAt()).timestamp(row.updatedAt()).timestamp(row.deletedAt())
          .int8(row.version()).text(row.slug()).bool(row.slugLocked());
    }
    copy.send(connection);
  }

  private void upsertRows(Connection connection, List<ItemRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(upsert)) {
      for (ItemRow row : rows) {
        ps.setObject(1, row.id());
        ps.setString(2, row.title());
        ps.setString(3, row.content());
        ps.setString(4, row.status());
        Sql.setUuid(ps, 5, row.categoryId());
        Sql.setUuid(ps, 6, row.ownerId());
        Sql.setTime(ps, 7, row.createdAt());
        Sql.setTime(ps, 8, row.updatedAt());
        Sql.setTime(ps, 9, row.deletedAt());
        ps.setLong(10, row.version());
        ps.setString(11, row.slug());
        ps.setBoolean(12, row.slugLocked());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Replaces the tags of the items whose tags the batch set; new items have none to clear. */
  private void writeTags(Connection connection, Map<UUID, List<String>> tags, Map<UUID, ItemRow> before)
      throws SQLException {
    Object[] cleared = tags.keySet().stream().filter(before::containsKey).toArray();
    if (cleared.length > 0) {
      try (PreparedStatement ps = connection.prepareStatement(clearTags)) {
        Array array = connection.createArrayOf("uuid", cleared);
        ps.setArray(1, array);
        ps.executeUpdate();
        array.free();
      }
    }
    BinaryCopy copy = new BinaryCopy(itemTags, "item_id", "tag");
    for (Map.Entry<UUID, List<String>> entry : tags.entrySet()) {
      for (String tag : entry.getValue()) {
        copy.row().uuid(entry.getKey()).text(tag);
      }
    }
    copy.send(connection);
  }
}
