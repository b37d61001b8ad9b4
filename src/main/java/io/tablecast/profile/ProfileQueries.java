package io.tablecast.profile;

import io.tablecast.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads of the user_profiles read table (through the `read` views). */
public final class ProfileQueries {
  private static final String COLUMNS =
      "user_id, bio, website, location, avatar_url, version, created_at, updated_at, deleted_at";

  private final DataSource dataSource;

  public ProfileQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<ProfileView> find(UUID userId, boolean includeDeleted) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM read.user_profiles WHERE user_id = ?"
        + (includeDeleted ? "" : " AND deleted_at IS NULL");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static ProfileView row(ResultSet rs) throws SQLException {
    return new ProfileView(
        Sql.uuid(rs, "user_id"),
        rs.getString("bio"),
        rs.getString("website"),
        rs.getString("location"),
        rs.getString("avatar_url"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "deleted_at"));
  }
}
