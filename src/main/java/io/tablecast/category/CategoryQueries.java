package io.tablecast.category;

import io.tablecast.db.Pages;
import io.tablecast.db.Sql;
import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads of the categories read table (through the `read` views). */
public final class CategoryQueries {
  public static final Set<String> SORTABLE = Set.of("created_at", "updated_at", "name");
  public static final String DEFAULT_SORT = "name";
  private static final String COLUMNS = "id, name, description, version, created_at, updated_at, deleted_at";

  private final DataSource dataSource;

  public CategoryQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<CategoryView> find(UUID id, boolean includeDeleted) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM read.categories WHERE id = ?" + (includeDeleted ? "" : " AND deleted_at IS NULL");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** {@code name} matches a part of the name, case-insensitively. */
  public Page<CategoryView> list(String name, ListParams params) throws SQLException {
    List<String> conditions = new ArrayList<>();
    if (!params.includeDeleted()) {
      conditions.add("deleted_at IS NULL");
    }
    List<Object> values = new ArrayList<>();
    if (name != null) {
      conditions.add("strpos(lower(name), lower(?)) > 0");
      values.add(name);
    }
    String where = Pages.where(conditions);
    String column = SORTABLE.stream().filter(params.sortField()::equals).findFirst().orElseThrow();
    String order = column.equals("name") ? "lower(name)" : column;
    String direction = params.descending() ? " DESC" : " ASC";
    List<Object> pageValues = new ArrayList<>(values);
    String pageWhere = Pages.pageWhere(conditions, order, "id", params, pageValues);
    String page = "SELECT " + COLUMNS + ", " + Pages.keyColumn(order) + " FROM read.categories" + pageWhere
        + " ORDER BY " + order + direction + ", id" + direction + " OFFSET ? LIMIT ?";
    return Pages.fetch(dataSource, new Pages.Query(page, pageValues, "FROM read.categories" + where, values), params,
        CategoryQueries::row);
  }

  private static CategoryView row(ResultSet rs) throws SQLException {
    return new CategoryView(
        Sql.uuid(rs, "id"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "deleted_at"));
  }
}
