package io.tablecast.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Keeps a generation's tables fit for the planner after a long run of inserts. */
public final class TableMaintenance {
  private final DataSource dataSource;

  public TableMaintenance(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Vacuums and analyzes a generation's tables after a long run of inserts: a building generation
   * about to go live, a live one that has caught up from the journal. Until autovacuum comes
   * round, such tables have no column statistics (the planner then takes
   * {@code deleted_at IS NULL} to match 0.5% of the rows, its default guess, and a list page
   * sorts every row instead of reading an index in order) and no visibility map (an index-only
   * scan reads the heap for every row it passes). Outside a transaction, as VACUUM must be; it
   * does not block the projection's writes.
   */
  public void vacuumAnalyze(String projection, int generation) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      String schema = Generation.schema(projection, generation);
      for (String table : GenerationRegistry.tables(c, schema)) {
        s.execute("VACUUM (ANALYZE) " + schema + "." + table);
      }
    }
  }
}
