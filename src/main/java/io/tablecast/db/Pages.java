package io.tablecast.db;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
import io.tablecast.http.ListParams;
import io.tablecast.http.Page;
import io.tablecast.http.PageCursor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 *
 * <p>A full page names where the next one starts ({@code next}, a {@link PageCursor}): after its
 * last row's sort key and id. A page that starts there reads from the sort index at that row
 * ({@code (key, id) > (?, ?)}, or {@code <} descending), so it costs the same at any depth. Its
 * total is still that of the whole list, and exact only when counted: the rows before the cursor
 * may have changed since it was made, so its last page is counted too, and a page beyond the cap
 * (by the cursor's position) gets the estimate.
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
   *     in a subquery, so that joins and per-row work run for the page's rows only; it selects the
   *     row's {@code id} and its sort key as {@link #keyColumn}
   * @param pageValues the page query's bind values before {@code OFFSET ? LIMIT ?}, in order
   * @param matching {@code FROM ... WHERE ...} of the rows the list counts (not only those after a
   *     cursor)
   * @param values the bind values of {@code matching}, in order
   */
  public record Query(String page, List<Object> pageValues, String matching, List<Object> values) {
    /** Counts the matching rows up to its one parameter, after {@code values}. */
    public String cappedCount() {
      return "SELECT count(*) FROM (SELECT 1 " + matching + " LIMIT ?) AS capped";
    }
  }

  /** A text bound untyped, so that PostgreSQL reads it as the type it is compared with: a cursor's key. */
  private record Untyped(String text) {}

  private static final String KEY = "page_key";

  /** The select-list entry that gives a page's rows their sort key, for its {@code next}. */
  public static String keyColumn(String key) {
    return "(" + key + ")::text AS " + KEY;
  }

  /**
   * The page's WHERE: the list's conditions and, when the request has a cursor, that the row comes
   * after it in the list's order (on its sort key and id), whose values are added to {@code pageValues}.
   */
  public static String pageWhere(
      List<String> conditions, String key, String id, ListParams params, List<Object> pageValues) {
    PageCursor after = params.after();
    if (after == null) {
      return where(conditions);
    }
    pageValues.add(new Untyped(after.key()));
    pageValues.add(after.id());
    List<String> all = new ArrayList<>(conditions);
    all.add("(" + key + ", " + id + ")" + (params.descending() ? " < " : " > ") + "(?, ?)");
    return where(all);
  }

  /** {@code " WHERE a AND b"}, or nothing without conditions. */
  public static String where(List<String> conditions) {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  private Pages() {}

  public static <T> Page<T> fetch(DataSource dataSource, Query query, ListParams params, Row<T> row)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<T> data = new ArrayList<>();
      String lastKey = null;
      String lastId = null;
      try (PreparedStatement ps = c.prepareStatement(query.page())) {
        int i = bind(ps, query.pageValues());
        ps.setInt(i++, params.skip());
        ps.setInt(i, params.limit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            data.add(row.read(rs));
            lastKey = rs.getString(KEY);
            lastId = rs.getString("id");
          }
        }
      } catch (SQLException e) {
        // Class 22, a data exception: the cursor's key is not a value of the sort column's type.
        if (params.after() != null && e.getSQLState() != null && e.getSQLState().startsWith("22")) {
          throw new PageCursor.Unusable(e);
        }
        throw e;
      }
      boolean fromStart = params.after() == null;
      long through = params.rowsBefore() + data.size();
      String next = data.size() == params.limit()
          ? new PageCursor(params.sort(), lastKey, UUID.fromString(lastId), through).encode()
          : null;
      boolean lastPage = fromStart && data.size() < params.limit() && (!data.isEmpty() || params.skip() == 0);
      if (lastPage) {
        return new Page<>(data, through, true, params.skip(), params.limit(), next);
      }
      long exactUpTo = params.exactTotalUpTo();
      // A full page past the cap has proved more matching rows than the count would read (after a
      // cursor, with the rows of the pages before it, as they were read).
      long proved = data.isEmpty() ? 0 : through;
      long counted = proved > exactUpTo ? proved : cappedCount(c, query, exactUpTo);
      if (counted <= exactUpTo) {
        return new Page<>(data, counted, true, params.skip(), params.limit(), next);
      }
      long atLeast = Math.max(counted, proved);
      return new Page<>(data, Math.max(atLeast, estimate(c, query)), false, params.skip(), params.limit(), next);
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
      if (value instanceof Untyped untyped) {
        ps.setObject(i++, untyped.text(), Types.OTHER);
      } else {
        ps.setObject(i++, value);
      }
    }
    return i;
  }
}
