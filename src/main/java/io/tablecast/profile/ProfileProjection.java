package io.tablecast.profile;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.List;

/**
 * Casts Profile events into {@code user_profiles} of one generation. A batch is folded in memory
 * ({@link ProfileRow#fold}): the rows it touches are read once, changed by every event of the batch
 * in order, and written once each, so the result is the same whatever the batch boundaries.
 */
public final class ProfileProjection extends JdbcHandler<List<EventEnvelope<Profile.Event>>, PooledJdbcSession> {
  public static final String NAME = "profiles";
  /** Bumped when the handler writes different rows for the same events: the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<Profile.Event> definition() {
    return new ReadProjection<>(NAME, Profile.TAG_PREFIX, VERSION, ProfileProjection::new);
  }

  private static final String COLUMNS =
      "user_id, bio, website, location, avatar_url, created_at, updated_at, deleted_at, version";

  private final String select;
  private final String upsert;

  private ProfileProjection(String schema) {
    String table = schema + ".user_profiles";
    select = "SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ANY (?)";
    upsert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (user_id) DO UPDATE SET bio = excluded.bio, website = excluded.website,"
        + " location = excluded.location, avatar_url = excluded.avatar_url, created_at = excluded.created_at,"
        + " updated_at = excluded.updated_at, deleted_at = excluded.deleted_at, version = excluded.version";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<Profile.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      write(connection, envelopes);
      return null;
    });
  }

  private void write(Connection connection, List<EventEnvelope<Profile.Event>> envelopes) throws SQLException {
    Set<UUID> touched = new LinkedHashSet<>();
    envelopes.forEach(envelope -> touched.add(envelope.event().userId()));
    Map<UUID, ProfileRow> rows = load(connection, touched);
    Map<UUID, ProfileRow> changed = new LinkedHashMap<>();
    for (EventEnvelope<Profile.Event> envelope : envelopes) {
      UUID id = envelope.event().userId();
      ProfileRow row = ProfileRow.fold(rows.get(id), envelope.event(), envelope.sequenceNr());
      if (row != null) {
        rows.put(id, row);
        changed.put(id, row);
      }
    }
    upsert(connection, changed.values());
  }

  /** The rows these users' profiles have now. */
  private Map<UUID, ProfileRow> load(Connection connection, Set<UUID> users) throws SQLException {
    Map<UUID, ProfileRow> rows = new HashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(select)) {
      Array ids = connection.createArrayOf("uuid", users.toArray());
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ProfileRow row = new ProfileRow(Sql.uuid(rs, "user_id"), rs.getString("bio"), rs.getString("website"),
              rs.getString("location"), rs.getString("avatar_url"), Sql.instant(rs, "created_at"),
              Sql.instant(rs, "updated_at"), Sql.instant(rs, "deleted_at"), rs.getLong("version"));
          rows.put(row.userId(), row);
        }
      }
      ids.free();
    }
    return rows;
  }

  private void upsert(Connection connection, Iterable<ProfileRow> rows) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(upsert)) {
      for (ProfileRow row : rows) {
        ps.setObject(1, row.userId());
        ps.setString(2, row.bio());
        ps.setString(3, row.website());
        ps.setString(4, row.location());
        ps.setString(5, row.avatarUrl());
        Sql.setTime(ps, 6, row.createdAt());
        Sql.setTime(ps, 7, row.updatedAt());
        Sql.setTime(ps, 8, row.deletedAt());
        ps.setLong(9, row.version());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
