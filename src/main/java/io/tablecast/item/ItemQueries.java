package io.tablecast.item;

import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
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
        rs.getObject("id", UUID.class),
        rs.getString("title"),
        rs.getString("content"),
        rs.getObject("category_id", UUID.class),
        rs.getString("status"),
        rs.getObject("owner_id", UUID.class),
        rs.getLong("version"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "deleted_at"));
  }

  private static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
