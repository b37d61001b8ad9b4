package io.tablecast.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * How far a projection's live generation has come, read from the libraries' own tables: whether
 * it has applied every event of some tags up to a journal position.
 *
 * <p>Leans on two table layouts: akka-persistence-jdbc 5.2.1's {@code event_tag} (schema
 * {@code core/src/main/resources/schema/postgres/postgres-create-schema.sql}: one row per event and
 * tag, {@code event_id} being the journal's {@code ordering}, which the JDBC read journal's
 * {@code Sequence} offsets count), and akka-projection-jdbc 1.4.0's
 * {@code akka_projection_offset_store} (written by {@code akka.projection.jdbc.internal.JdbcOffsetStore}:
 * one row per projection id and key, a {@code Sequence} offset kept as its number in the text
 * column {@code current_offset}). It also names a generation's projection id as the projection
 * package does ({@code <projection>-g<generation>}, the live one from
 * {@code journal.projection_generation}).
 */
public final class ProjectionOffsets {
  private final DataSource dataSource;

  public ProjectionOffsets(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Whether some event at or below journal position {@code ordering}, tagged
   * {@code <tagPrefix>-<slice>}, lies beyond the committed offset of the live generation of
   * {@code projection} for that tag (an instance with no offset yet has applied none).
   */
  public boolean eventsPending(String projection, String tagPrefix, long ordering) throws SQLException {
    String sql = "SELECT EXISTS (SELECT 1 FROM journal.event_tag t WHERE t.tag LIKE ? AND t.event_id <= ?"
        + " AND t.event_id > COALESCE((SELECT CAST(o.current_offset AS BIGINT) FROM journal.akka_projection_offset_store o"
        + " WHERE o.projection_key = t.tag AND o.projection_name = (SELECT ? || '-g' || g.generation"
        + " FROM journal.projection_generation g WHERE g.projection_name = ? AND g.state = 'live')), 0))";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tagPrefix + "-%");
      ps.setLong(2, ordering);
      ps.setString(3, projection);
      ps.setString(4, projection);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
