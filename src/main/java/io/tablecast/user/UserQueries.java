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
import java.util.Set;
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
    // The page is cut from users alone; the roles are read for its rows only.
    String page = "SELECT " + COLUMNS + ", " + Pages.keyColumn(column) + " FROM (SELECT * FROM read.users u"
        + pageWhere + order + " OFFSET ? LIMIT ?) u" + order;
    return Pages.fetch(dataSource, new Pages.Query(page, pageValues, "FROM read.users u" + where, values), params, UserQueries::row);
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
        Sql.instant(rs, "deleted_at"));
  }
}
