package io.tablecast.user;

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
 * Casts User events into {@code users} and {@code user_roles} of one generation. A batch is
 * folded in memory ({@link UserRow#apply}), as the items projection does: the rows it touches are
 * read once (with their roles), changed by every event of the batch in order, and written once
 * each, a user's roles only when they changed; a user that takes an email another one gave up in
 * the same batch is written after it ({@link UniqueValueSegments}).
 */
public final class UserProjection extends JdbcHandler<List<EventEnvelope<User.Event>>, PooledJdbcSession> {
  public static final String NAME = "users";

  /** Bump when this handler writes different rows for the same events; the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<User.Event> definition() {
    return new ReadProjection<>(NAME, User.TAG_PREFIX, VERSION, UserProjection::new);
  }

  // The id last, so that the insert and the update bind a row alike.
  private static final String COLUMNS =
      "email, full_name, is_active, created_at, updated_at, deleted_at, version, display_name, id";

  private final String select;
  private final String insert;
  private final String update;
  private final String clearRoles;
  private final String addRole;

  private UserProjection(String schema) {
    String users = schema + ".users";
    String roles = schema + ".user_roles";
    select = "SELECT " + COLUMNS + ", ARRAY(SELECT role FROM " + roles + " r WHERE r.user_id = u.id ORDER BY role) AS roles"
        + " FROM " + users + " u WHERE id = ANY (?)";
    insert = "INSERT INTO " + users + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    update = "UPDATE " + users + " SET (email, full_name, is_active, created_at, updated_at, deleted_at, version,"
        + " display_name) = (?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?";
    clearRoles = "DELETE FROM " + roles + " WHERE user_id = ?";
    addRole = "INSERT INTO " + roles + " (user_id, role) VALUES (?, ?)";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<User.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      write(connection, envelopes);
      return null;
    });
  }

  private void write(Connection connection, List<EventEnvelope<User.Event>> envelopes) throws SQLException {
    // A user whose first event in the batch is its Registered has no row yet: nothing to read.
    Set<UUID> created = new HashSet<>();
    Set<UUID> existing = new LinkedHashSet<>();
    for (EventEnvelope<User.Event> envelope : envelopes) {
      UUID id = envelope.event().userId();
      if (!created.contains(id) && !existing.contains(id)) {
        (envelope.event() instanceof User.Registered ? created : existing).add(id);
      }
    }
    Map<UUID, UserRow> written = load(connection, existing);
    Map<UUID, UserRow> changed = new LinkedHashMap<>();
    UniqueValueSegments segments = new UniqueValueSegments();
    for (EventEnvelope<User.Event> envelope : envelopes) {
      User.Event event = envelope.event();
      UUID id = event.userId();
      UserRow row = changed.containsKey(id) ? changed.get(id) : written.get(id);
      UserRow next;
      if (event instanceof User.Registered e) {
        if (row != null) {
          throw new IllegalStateException("user " + id + " is registered twice (" + envelope.persistenceId() + ")");
        }
        next = UserRow.created(e, envelope.sequenceNr());
      } else if (row != null) {
        next = row.apply(event, envelope.sequenceNr());
      } else {
        continue; // no row to change: a voided id never has one
      }
      if (next == row) {
        continue;
      }
      if (segments.writeFirst(id, row == null ? null : row.liveEmail(), next.liveEmail())) {
        writeRows(connection, written, changed);
      }
      changed.put(id, next);
    }
    writeRows(connection, written, changed);
  }

  /** The rows these users have now, with their roles. */
  private Map<UUID, UserRow> load(Connection connection, Set<UUID> users) throws SQLException {
    Map<UUID, UserRow> rows = new HashMap<>();
    if (users.isEmpty()) {
      return rows;
    }
    try (PreparedStatement ps = connection.prepareStatement(select)) {
      Array array = connection.createArrayOf("uuid", users.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Array roles = rs.getArray("roles");
          UserRow row = new UserRow(
              Sql.uuid(rs, "id"), rs.getString("email"), rs.getString("full_name"), rs.getBoolean("is_active"),
              Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), Sql.instant(rs, "deleted_at"),
              rs.getLong("version"), rs.getString("display_name"), List.of((String[]) roles.getArray()));
          roles.free();
          rows.put(row.id(), row);
        }
      }
      array.free();
    }
    return rows;
  }

  /**
   * Inserts the changed rows the table does not have yet and updates the others, rewrites the roles
   * of those whose roles changed, then counts them as written.
   */
  private void writeRows(Connection connection, Map<UUID, UserRow> written, Map<UUID, UserRow> changed)
      throws SQLException {
    try (StatementBatches batches = new StatementBatches(connection)) {
      for (UserRow row : changed.values()) {
        if (!written.containsKey(row.id())) {
          batches.add(insert, ps -> bind(ps, row));
        }
      }
      for (UserRow row : changed.values()) {
        if (written.containsKey(row.id())) {
          batches.add(update, ps -> bind(ps, row));
        }
      }
      List<UserRow> newRoles = changed.values().stream().filter(row -> rolesChanged(written.get(row.id()), row)).toList();
      for (UserRow row : newRoles) {
        if (written.containsKey(row.id())) {
          batches.add(clearRoles, ps -> ps.setObject(1, row.id()));
        }
      }
      for (UserRow row : newRoles) {
        for (String role : row.roles()) {
          batches.add(addRole, ps -> {
            ps.setObject(1, row.id());
            ps.setString(2, role);
          });
        }
      }
    }
    written.putAll(changed);
    changed.clear();
  }

  /** A user's roles are a set: the same roles in another order are no change. */
  private static boolean rolesChanged(UserRow before, UserRow after) {
    return before == null || !Set.copyOf(before.roles()).equals(Set.copyOf(after.roles()));
  }

  private static void bind(PreparedStatement ps, UserRow row) throws SQLException {
    ps.setString(1, row.email());
    ps.setString(2, row.fullName());
    ps.setBoolean(3, row.active());
    Sql.setTime(ps, 4, row.createdAt());
    Sql.setTime(ps, 5, row.updatedAt());
    Sql.setTime(ps, 6, row.deletedAt());
    ps.setLong(7, row.version());
    ps.setString(8, row.displayName());
    ps.setObject(9, row.id());
  }
}
