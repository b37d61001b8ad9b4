package io.tablecast.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Small SQL reads and DDL for tests that look at the database directly. */
public final class Tables {
  private Tables() {}

  public static long count(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static String text(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static void execute(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Rows of one table that the other lacks, both ways (0 = the tables hold the same rows). */
  public static long difference(DataSource ds, String left, String right) {
    return count(ds, "SELECT count(*) FROM ((SELECT * FROM " + left + " EXCEPT ALL SELECT * FROM " + right
        + ") UNION ALL (SELECT * FROM " + right + " EXCEPT ALL SELECT * FROM " + left + ")) d");
  }
}
