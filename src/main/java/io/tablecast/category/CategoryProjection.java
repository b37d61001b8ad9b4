package io.tablecast.category;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.StatementBatches;
import io.tablecast.projection.UniqueValueSegments;
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

/**
 * Casts Category events into {@code categories} of one generation. A batch is folded in memory
 * ({@link CategoryRow#apply}), as the items projection does: the rows it touches are read once,
 * changed by every event of the batch in order, and written once each; a category that takes a
 * name another one gave up in the same batch is written after it ({@link UniqueValueSegments}).
 */
public final class CategoryProjection extends JdbcHandler<List<EventEnvelope<Category.Event>>, PooledJdbcSession> {
  public static final String NAME = "categories";

  /** Bump when this handler writes different rows for the same events; the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<Category.Event> definition() {
    return new ReadProjection<>(NAME, Category.TAG_PREFIX, VERSION, CategoryProjection::new);
  }

  // The id last, so that the insert and the update bind a row alike.
  private static final String COLUMNS = "name, description, created_at, updated_at, deleted_at, version, id";

  private final String select;
  private final String insert;
  private final String update;

  private CategoryProjection(String schema) {
    String table = schema + ".categories";
    select = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ANY (?)";
    insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    update = "UPDATE " + table + " SET (name, description, created_at, updated_at, deleted_at, version) ="
        + " (?, ?, ?, ?, ?, ?) WHERE id = ?";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<Category.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      write(connection, envelopes);
      return null;
    });
  }

  private void write(Connection connection, List<EventEnvelope<Category.Event>> envelopes) throws SQLException {
    // A category whose first event in the batch is its Created has no row yet: nothing to read.
    Set<UUID> created = new HashSet<>();
    Set<UUID> existing = new LinkedHashSet<>();
    for (EventEnvelope<Category.Event> envelope : envelopes) {
      UUID id = envelope.event().categoryId();
      if (!created.contains(id) && !existing.contains(id)) {
        (envelope.event() instanceof Category.Created ? created : existing).add(id);
      }
    }
    Map<UUID, CategoryRow> written = load(connection, existing);
    Map<UUID, CategoryRow> changed = new LinkedHashMap<>();
    UniqueValueSegments segments = new UniqueValueSegments();
    for (EventEnvelope<Category.Event> envelope : envelopes) {
      Category.Event event = envelope.event();
      UUID id = event.categoryId();
      CategoryRow row = changed.containsKey(id) ? changed.get(id) : written.get(id);
      CategoryRow next;
      if (event instanceof Category.Created e) {
        if (row != null) {
          throw new IllegalStateException("category " + id + " is created twice (" + envelope.persistenceId() + ")");
        }
        next = CategoryRow.created(e, envelope.sequenceNr());
      } else if (row != null) {
        next = row.apply(event, envelope.sequenceNr());
      } else {
        continue; // no row to change: a voided id has none
      }
      if (next == row) {
        continue;
      }
      if (segments.writeFirst(id, row == null ? null : row.liveName(), next.liveName())) {
        writeRows(connection, written, changed);
      }
      changed.put(id, next);
    }
    writeRows(connection, written, changed);
  }

  /** The rows these categories have now. */
  private Map<UUID, CategoryRow> load(Connection connection, Set<UUID> categories) throws SQLException {
    Map<UUID, CategoryRow> rows = new HashMap<>();
    if (categories.isEmpty()) {
      return rows;
    }
    try (PreparedStatement ps = connection.prepareStatement(select)) {
      Array array = connection.createArrayOf("uuid", categories.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          CategoryRow row = new CategoryRow(
              Sql.uuid(rs, "id"), rs.getString("name"), rs.getString("description"), Sql.instant(rs, "created_at"),
              Sql.instant(rs, "updated_at"), Sql.instant(rs, "deleted_at"), rs.getLong("version"));
          rows.put(row.id(), row);
        }
      }
      array.free();
    }
    return rows;
  }

  /** Inserts the changed rows the table does not have yet and updates the others, then counts them as written. */
  private void writeRows(Connection connection, Map<UUID, CategoryRow> written, Map<UUID, CategoryRow> changed)
      throws SQLException {
    try (StatementBatches batches = new StatementBatches(connection)) {
      for (CategoryRow row : changed.values()) {
        if (!written.containsKey(row.id())) {
          batches.add(insert, ps -> bind(ps, row));
        }
      }
      for (CategoryRow row : changed.values()) {
        if (written.containsKey(row.id())) {
          batches.add(update, ps -> bind(ps, row));
        }
      }
    }
    written.putAll(changed);
    changed.clear();
  }

  private static void bind(PreparedStatement ps, CategoryRow row) throws SQLException {
    ps.setString(1, row.name());
    ps.setString(2, row.description());
    Sql.setTime(ps, 3, row.createdAt());
    Sql.setTime(ps, 4, row.updatedAt());
    Sql.setTime(ps, 5, row.deletedAt());
    ps.setLong(6, row.version());
    ps.setObject(7, row.id());
  }
}
