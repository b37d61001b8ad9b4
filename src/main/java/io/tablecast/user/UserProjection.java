package io.tablecast.user;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.StatementBatches;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** Casts User events into {@code users} and {@code user_roles} of one generation. */
public final class UserProjection extends JdbcHandler<List<EventEnvelope<User.Event>>, PooledJdbcSession> {
  public static final String NAME = "users";

  /** Bump when this handler writes different rows for the same events; the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<User.Event> definition() {
    return new ReadProjection<>(NAME, User.TAG_PREFIX, VERSION, UserProjection::new);
  }

  private final String insert;
  private final String update;
  private final String delete;
  private final String restore;
  private final String clearRoles;
  private final String addRole;

  private UserProjection(String schema) {
    String users = schema + ".users";
    String roles = schema + ".user_roles";
    insert = "INSERT INTO " + users + " (id, email, full_name, is_active, created_at, updated_at, version, display_name)"
        + " VALUES (?, ?, ?, TRUE, ?, ?, ?, ?)";
    update = "UPDATE " + users + " SET full_name = ?, is_active = ?, updated_at = ?, version = ?, display_name = ?"
        + " WHERE id = ?";
    delete = "UPDATE " + users + " SET deleted_at = ?, updated_at = ?, version = ? WHERE id = ?";
    restore = "UPDATE " + users + " SET deleted_at = NULL, updated_at = ?, version = ? WHERE id = ?";
    clearRoles = "DELETE FROM " + roles + " WHERE user_id = ?";
    addRole = "INSERT INTO " + roles + " (user_id, role) VALUES (?, ?)";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<User.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      try (StatementBatches batches = new StatementBatches(connection)) {
        for (EventEnvelope<User.Event> envelope : envelopes) {
          write(batches, envelope.event(), envelope.sequenceNr());
        }
      }
      return null;
    });
  }

  private void write(StatementBatches batches, User.Event event, long version) throws SQLException {
    if (event instanceof User.Registered e) {
      batches.add(insert, ps -> {
        ps.setObject(1, e.userId());
        ps.setString(2, e.email());
        ps.setString(3, e.fullName());
        Sql.setTime(ps, 4, e.at());
        Sql.setTime(ps, 5, e.at());
        ps.setLong(6, version);
        ps.setString(7, DisplayNames.of(e.fullName()));
      });
      roles(batches, e.userId(), e.roles());
    } else if (event instanceof User.Updated e) {
      batches.add(update, ps -> {
        ps.setString(1, e.fullName());
        ps.setBoolean(2, e.active());
        Sql.setTime(ps, 3, e.at());
        ps.setLong(4, version);
        ps.setString(5, DisplayNames.of(e.fullName()));
        ps.setObject(6, e.userId());
      });
      if (e.changed().contains("roles")) {
        batches.add(clearRoles, ps -> ps.setObject(1, e.userId()));
        roles(batches, e.userId(), e.roles());
      }
    } else if (event instanceof User.Deleted e) {
      batches.add(delete, ps -> {
        Sql.setTime(ps, 1, e.at());
        Sql.setTime(ps, 2, e.at());
        ps.setLong(3, version);
        ps.setObject(4, e.userId());
      });
    } else if (event instanceof User.Restored e) {
      batches.add(restore, ps -> {
        Sql.setTime(ps, 1, e.at());
        ps.setLong(2, version);
        ps.setObject(3, e.userId());
      });
    } else if (!(event instanceof User.Voided)) {
      throw new IllegalArgumentException("users projection cannot handle " + event.getClass().getName());
    }
  }

  private void roles(StatementBatches batches, UUID userId, List<String> roles) throws SQLException {
    for (String role : roles) {
      batches.add(addRole, ps -> {
        ps.setObject(1, userId);
        ps.setString(2, role);
      });
    }
  }
}
