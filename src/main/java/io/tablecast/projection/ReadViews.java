package io.tablecast.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The views queries read, in schema {@code read}, each pointing at a table of a projection's live
 * generation; never the generation schemas directly. Because PostgreSQL's DDL is transactional,
 * switching generations is one transaction: readers on every node see the old tables or the new
 * ones, never neither.
 */
public final class ReadViews {
  /** Queries read these views; never the generation schemas directly. */
  public static final String READ_SCHEMA = "read";

  private final DataSource dataSource;

  public ReadViews(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Points the read views of a projection's tables at the given generation, atomically. */
  public void publish(String projection, int generation) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      publish(c, projection, generation);
      c.commit();
    }
  }

  /**
   * Makes a generation live in one transaction: the registry (old live becomes retired) and the
   * read views change together.
   */
  public void switchTo(String projection, int generation) throws SQLException, GenerationRegistry.Refused {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      GenerationRegistry.lock(c, projection);
      Generation target = GenerationRegistry.find(c, projection, generation);
      if (target.state().equals(Generation.LIVE)) {
        c.rollback();
        return;
      }
      // Never live without its indexes and foreign keys (usually built already, right after the catch-up).
      DeferredIndexes.buildAll(c, projection, generation);
      GenerationRegistry.markLive(c, projection, generation);
      publish(c, projection, generation);
      c.commit();
    }
  }

  private static void publish(Connection c, String projection, int generation) throws SQLException {
    String schema = Generation.schema(projection, generation);
    try (Statement s = c.createStatement()) {
      // Serializes publishers across nodes; released at commit.
      s.execute("SELECT pg_advisory_xact_lock(hashtext('tablecast.read-views'))");
      s.execute("CREATE SCHEMA IF NOT EXISTS " + READ_SCHEMA);
      for (String table : GenerationRegistry.tables(c, schema)) {
        s.execute("DROP VIEW IF EXISTS " + READ_SCHEMA + "." + table);
        s.execute("CREATE VIEW " + READ_SCHEMA + "." + table + " AS SELECT * FROM " + schema + "." + table);
      }
    }
  }
}
