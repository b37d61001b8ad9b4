package io.tablecast.user;

import io.tablecast.db.Pages;
import io.tablecast.db.Sql;
import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads of the users read tables (through the `read` views). */
public final class UserQueries {
  public static final Set<String> SORTABLE = Set.of("created_at", "updated_at", "email", "full_name");
  public static final String DEFAULT_SORT = "created_at";

  /** Filters of GET /api/users; null means "any". {@code email} matches a part of the address. */
  public record Filter(String email, String role, Boolean active) {}

  private static final String COLUMNS =
      "u.id, u.email, u.full_name, u.display_name, u.is_active, u.version, u.created_at, u.updated_at, u.deleted_at,"
          + " ARRAY(SELECT r.role FROM read.user_roles r WHERE r.user_id = u.id ORDER BY r.role) AS roles";
  /** The profile, from the profiles projection's table; the same columns for one user and for a page of them. */
  private static final String PROFILE_COLUMNS =
      "p.user_id AS profile_user_id, p.bio, p.website, p.location, p.avatar_url, p.version AS profile_version,"
          + " p.created_at AS profile_created_at, p.updated_at AS profile_updated_at, p.deleted_at AS profile_deleted_at";
  /** A user's live profile; none for a deleted user (the cascade may not have deleted it yet). */
  private static final String PROFILE_JOIN =
      " LEFT JOIN read.user_profiles p ON p.user_id = u.id AND p.deleted_at IS NULL AND u.deleted_at IS NULL";

  private final DataSource dataSource;

  public UserQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Page<UserView> list(Filter filter, ListParams params) throws SQLException {
    List<String> conditions = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    if (!params.includeDeleted()) {
      conditions.add("u.deleted_at IS NULL");
    }
    if (filter.email() != null) {
      conditions.add("strpos(u.email, ?) > 0");
      values.add(User.normalizeEmail(filter.email()));
    }
    if (filter.role() != null) {
      conditions.add("EXISTS (SELECT 1 FROM read.user_roles r WHERE r.user_id = u.id AND r.role = ?)");
      values.add(filter.role());
    }
    if (filter.active() != null) {
      conditions.add("u.is_active = ?");
      values.add(filter.active());
    }
    String where = Pages.where(conditions);
    // The sort column comes from SORTABLE, never from the request verbatim.
    String column = "u." + SORTABLE.stream().filter(params.sortField()::equals).findFirst().orElseThrow();
    String direction = params.descending() ? " DESC" : " ASC";
    String order = " ORDER BY " + column + direction + ", u.id" + direction;
    List<Object> pageValues = new ArrayList<>(values);
    String pageWhere = Pages.pageWhere(conditions, column, "u.id", params, pageValues);
    // The page is cut from users alone; the roles and profiles are read for its rows only, the
    // profiles in the same statement (a join), not one query per user.
    String page = "SELECT " + COLUMNS + ", " + PROFILE_COLUMNS + ", " + Pages.keyColumn(column)
        + " FROM (SELECT * FROM read.users u" + pageWhere + order + " OFFSET ? LIMIT ?) u" + PROFILE_JOIN + order;
    return Pages.fetch(dataSource, new Pages.Query(page, pageValues, "FROM read.users u" + where, values), params, UserQueries::row);
  }

  /** The live profile of a user who is not deleted, as their answers embed it: one query. */
  public Optional<UserView.Profile> profile(UUID userId) throws SQLException {
    String sql = "SELECT " + PROFILE_COLUMNS + " FROM read.user_profiles p WHERE p.user_id = ? AND p.deleted_at IS NULL";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(profile(rs)) : Optional.empty();
      }
    }
  }

  private static UserView row(ResultSet rs) throws SQLException {
    Array roles = rs.getArray("roles");
    return new UserView(
        Sql.uuid(rs, "id"),
        rs.getString("email"),
        rs.getString("full_name"),
        rs.getString("display_name"),
        Arrays.asList((String[]) roles.getArray()),
        rs.getBoolean("is_active"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "deleted_at"),
        rs.getObject("profile_user_id") == null ? null : profile(rs));
  }

  private static UserView.Profile profile(ResultSet rs) throws SQLException {
    return new UserView.Profile(
        Sql.uuid(rs, "profile_user_id"),
        rs.getString("bio"),
        rs.getString("website"),
        rs.getString("location"),
        rs.getString("avatar_url"),
        rs.getLong("profile_version"),
        Sql.instant(rs, "profile_created_at"),
        Sql.instant(rs, "profile_updated_at"),
        Sql.instant(rs, "profile_deleted_at"));
  }
}
