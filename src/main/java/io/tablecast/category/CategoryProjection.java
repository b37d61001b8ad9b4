package io.tablecast.category;

import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Sql;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.StatementBatches;
import java.sql.SQLException;
import java.util.List;

/** Casts Category events into {@code categories} of one generation. */
public final class CategoryProjection extends JdbcHandler<List<EventEnvelope<Category.Event>>, PooledJdbcSession> {
  public static final String NAME = "categories";

  /** Bump when this handler writes different rows for the same events; the live generation then needs a rebuild. */
  public static final int VERSION = 1;

  public static ReadProjection<Category.Event> definition() {
    return new ReadProjection<>(NAME, Category.TAG_PREFIX, VERSION, CategoryProjection::new);
  }

  private final String insert;
  private final String update;
  private final String delete;
  private final String restore;

  private CategoryProjection(String schema) {
    String table = schema + ".categories";
    insert = "INSERT INTO " + table + " (id, name, description, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?)";
    update = "UPDATE " + table + " SET name = ?, description = ?, updated_at = ?, version = ? WHERE id = ?";
    delete = "UPDATE " + table + " SET deleted_at = ?, updated_at = ?, version = ? WHERE id = ?";
    restore = "UPDATE " + table + " SET deleted_at = NULL, updated_at = ?, version = ? WHERE id = ?";
  }

  @Override
  public void process(PooledJdbcSession session, List<EventEnvelope<Category.Event>> envelopes) throws Exception {
    session.withConnection(connection -> {
      try (StatementBatches batches = new StatementBatches(connection)) {
        for (EventEnvelope<Category.Event> envelope : envelopes) {
          write(batches, envelope.event(), envelope.sequenceNr());
        }
      }
      return null;
    });
  }

  private void write(StatementBatches batches, Category.Event event, long version) throws SQLException {
    if (event instanceof Category.Created e) {
      batches.add(insert, ps -> {
        ps.setObject(1, e.categoryId());
        ps.setString(2, e.name());
        ps.setString(3, e.description());
        Sql.setTime(ps, 4, e.at());
        Sql.setTime(ps, 5, e.at());
        ps.setLong(6, version);
      });
    } else if (event instanceof Category.Updated e) {
      batches.add(update, ps -> {
        ps.setString(1, e.name());
        ps.setString(2, e.description());
        Sql.setTime(ps, 3, e.at());
        ps.setLong(4, version);
        ps.setObject(5, e.categoryId());
      });
    } else if (event instanceof Category.Deleted e) {
      batches.add(delete, ps -> {
        Sql.setTime(ps, 1, e.at());
        Sql.setTime(ps, 2, e.at());
        ps.setLong(3, version);
        ps.setObject(4, e.categoryId());
      });
    } else if (event instanceof Category.Restored e) {
      batches.add(restore, ps -> {
        Sql.setTime(ps, 1, e.at());
        ps.setLong(2, version);
        ps.setObject(3, e.categoryId());
      });
    } else if (!(event instanceof Category.Voided)) {
      throw new IllegalArgumentException("categories projection cannot handle " + event.getClass().getName());
    }
  }
}
