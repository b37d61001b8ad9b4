package io.tablecast.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a verified rebuild checks before its switch: that the new generation's tables equal the
 * live one's, row for row.
 */
final class GenerationComparison {
  private final DataSource dataSource;

  GenerationComparison(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Compares two generations' tables (row count and checksum) in one snapshot, but only when both
   * stand at the same offsets: then equal handlers must have written equal rows. Returns null when
   * they are not comparable yet, empty when equal, or the difference.
   */
  Optional<String> compare(Generation a, Generation b) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        Map<String, Long> offsetsA = ProjectionMonitor.offsets(c, a.projectionId());
        Map<String, Long> offsetsB = ProjectionMonitor.offsets(c, b.projectionId());
        if (!offsetsA.equals(offsetsB)) {
          return null;
        }
        List<String> tablesA = GenerationRegistry.tables(c, a.schema());
        List<String> tablesB = GenerationRegistry.tables(c, b.schema());
        if (!tablesA.equals(tablesB)) {
          return Optional.of("tables differ: " + tablesA + " vs " + tablesB);
        }
        for (String table : tablesA) {
          String left = checksum(c, a.schema(), table);
          String right = checksum(c, b.schema(), table);
          if (!left.equals(right)) {
            return Optional.of("table " + table + " differs (rows/checksum " + left + " in generation " + a.generation()
                + ", " + right + " in generation " + b.generation() + ")");
          }
        }
        return Optional.empty();
      } finally {
        c.rollback();
      }
    }
  }

  private static String checksum(Connection c, String schema, String table) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) || '/' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '-') FROM "
                    + schema + "." + table + " t");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }
}
