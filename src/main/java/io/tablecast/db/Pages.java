package io.tablecast.db;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
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
 * One page of a list query and its total, on one connection.
 *
 * <p>The total is exact up to {@link ListParams#exactTotalUpTo()} matching rows and an estimate
 * beyond: an exact {@code count(*)} reads every matching row, whatever the page, which at a
 * million rows costs more than the page. So the count stops one row past the cap, and only when
 * it gets there is the total the planner's estimate of the matching rows (never less than what
 * the count and the page have proved), marked {@code total_exact: false}. A page that is not full
 * needs no count at all: it is the last one, so the total is the rows before it plus its own.
 */
public final class Pages {
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * A list query.
   *
   * @param page the page query; its last two parameters are {@code OFFSET ? LIMIT ?}, which may sit
   *     in a subquery, so that joins and per-row work run for the page's rows only
   * @param matching {@code FROM ... WHERE ...} of the rows the list counts, with the same bind values
   * @param values the bind values of the WHERE, in order
   */
  public record Query(String page, String matching, List<Object> values) {
    /** Counts the matching rows up to its one parameter, after {@code values}. */
    public String cappedCount() {
      return "SELECT count(*) FROM (SELECT 1 " + matching + " LIMIT ?) AS capped";
    }
  }

  private Pages() {}

  public static <T> Page<T> fetch(DataSource dataSource, Query query, ListParams params, Row<T> row)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<T> data = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(query.page())) {
        int i = bind(ps, query.values());
        ps.setInt(i++, params.skip());
        ps.setInt(i, params.limit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            data.add(row.read(rs));
          }
        }
      }
      boolean lastPage = data.size() < params.limit() && (!data.isEmpty() || params.skip() == 0);
      if (lastPage) {
        return new Page<>(data, params.skip() + data.size(), true, params.skip(), params.limit());
      }
      long exactUpTo = params.exactTotalUpTo();
      // A full page past the cap has proved more matching rows than the count would read.
      long proved = data.isEmpty() ? 0 : (long) params.skip() + data.size();
      long counted = proved > exactUpTo ? proved : cappedCount(c, query, exactUpTo);
      if (counted <= exactUpTo) {
        return new Page<>(data, counted, true, params.skip(), params.limit());
      }
      long atLeast = Math.max(counted, proved);
      return new Page<>(data, Math.max(atLeast, estimate(c, query)), false, params.skip(), params.limit());
    }
  }

  /** The matching rows, counted up to {@code exactUpTo + 1}. */
  private static long cappedCount(Connection c, Query query, long exactUpTo) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(query.cappedCount())) {
      int i = bind(ps, query.values());
      ps.setLong(i, exactUpTo + 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The planner's estimate of the matching rows (from the table statistics; no rows are read). */
  private static long estimate(Connection c, Query query) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) SELECT 1 " + query.matching())) {
      bind(ps, query.values());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        JsonNode plan = Json.MAPPER.readTree(rs.getString(1));
        return plan.path(0).path("Plan").path("Plan Rows").asLong();
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SQLException("unreadable EXPLAIN output", e);
      }
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
