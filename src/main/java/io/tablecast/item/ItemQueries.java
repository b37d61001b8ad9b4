package io.tablecast.item;

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

/** Reads of the items read table (through the `read` views, i.e. the live generation). */
public final class ItemQueries {
  public static final Set<String> SORTABLE = Set.of("created_at", "updated_at", "title", "status");
  public static final String DEFAULT_SORT = "-created_at";

  private static final String COLUMNS =
      "id, title, content, category_id, status, owner_id, version, created_at, updated_at, deleted_at";

  private final DataSource dataSource;

  public ItemQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<ItemView> find(UUID id, boolean includeDeleted) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM read.items WHERE id = ?" + (includeDeleted ? "" : " AND deleted_at IS NULL");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  public Page<ItemView> list(ListParams params) throws SQLException {
    String where = params.includeDeleted() ? "" : " WHERE deleted_at IS NULL";
    // The sort column comes from SORTABLE, never from the request verbatim.
    String column = SORTABLE.stream().filter(params.sortField()::equals).findFirst().orElseThrow();
    String direction = params.descending() ? " DESC" : " ASC";
    String sql =
        "SELECT " + COLUMNS + " FROM read.items" + where
            + " ORDER BY " + column + direction + ", id" + direction + " OFFSET ? LIMIT ?";
    try (Connection c = dataSource.getConnection()) {
      List<ItemView> data = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setInt(1, params.skip());
        ps.setInt(2, params.limit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            data.add(row(rs));
          }
        }
      }
      long total;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM read.items" + where);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
      return new Page<>(data, total, params.skip(), params.limit());
    }
  }

  private static ItemView row(ResultSet rs) throws SQLException {
    return new ItemView(
        Sql.uuid(rs, "id"),
        rs.getString("title"),
        rs.getString("content"),
        Sql.uuid(rs, "category_id"),
        rs.getString("status"),
        Sql.uuid(rs, "owner_id"),
        rs.getLong("version"),
        Sql.instant(rs, "created_at"),
        Sql.instant(rs, "updated_at"),
        Sql.instant(rs, "deleted_at"));
  }
}
