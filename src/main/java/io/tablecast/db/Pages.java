package io.tablecast.db;

import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * One page of a list query and its total, on one connection: the page query gets
 * {@code OFFSET ? LIMIT ?} appended, both queries get the same bind values.
 */
public final class Pages {
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private Pages() {}

  /**
   * @param select the page query up to and including its ORDER BY
   * @param count the {@code SELECT count(*) ...} with the same WHERE
   * @param values the bind values of the WHERE, in order
   */
  public static <T> Page<T> fetch(
      DataSource dataSource, String select, String count, List<Object> values, ListParams params, Row<T> row)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<T> data = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(select + " OFFSET ? LIMIT ?")) {
        int i = bind(ps, values);
        ps.setInt(i++, params.skip());
        ps.setInt(i, params.limit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            data.add(row.read(rs));
          }
        }
      }
      long total;
      try (PreparedStatement ps = c.prepareStatement(count)) {
        bind(ps, values);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      return new Page<>(data, total, params.skip(), params.limit());
    }
  }

  /** Binds the values from index 1; returns the next free index. */
  public static int bind(PreparedStatement ps, List<Object> values) throws SQLException {
    int i = 1;
    for (Object value : values) {
      ps.setObject(i++, value);
    }
    return i;
  }
}
