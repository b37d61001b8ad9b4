package io.tablecast.projection;

import io.tablecast.db.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Generations of a projection's read tables. Generation N of projection P lives in schema
 * {@code P_gN}; queries read views in schema {@code read} that point at the live generation, so
 * switching generations is one transaction of DDL.
 */
public final class Generations {
  /** Queries read these views; never the generation schemas directly. */
  public static final String READ_SCHEMA = "read";

  private final DataSource dataSource;

  public Generations(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public static String schema(String projection, int generation) {
    return projection + "_g" + generation;
  }

  /** The live generation of a projection; the first start makes generation 1 live. */
  public int live(String projection) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO journal.projection_generation (projection_name, generation, state, switched_at) "
                  + "SELECT ?, 1, 'live', now() WHERE NOT EXISTS "
                  + "(SELECT 1 FROM journal.projection_generation WHERE projection_name = ?) "
                  + "ON CONFLICT DO NOTHING")) {
        insert.setString(1, projection);
        insert.setString(2, projection);
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT generation FROM journal.projection_generation WHERE projection_name = ? AND state = 'live'")) {
        select.setString(1, projection);
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("projection " + projection + " has no live generation");
          }
          return rs.getInt(1);
        }
      }
    }
  }

  /** Brings a generation's tables to the current db/read/&lt;projection&gt; migrations. */
  public void migrate(String projection, int generation) {
    Migrations.readTables(dataSource, projection, schema(projection, generation)).migrate();
  }

  /**
   * Points the read views of a projection's tables at the given generation, atomically: readers
   * see either the old tables or the new ones, never neither.
   */
  public void publish(String projection, int generation) throws SQLException {
    String schema = schema(projection, generation);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        // Serializes publishers across nodes; released at commit.
        s.execute("SELECT pg_advisory_xact_lock(hashtext('tablecast.read-views'))");
        s.execute("CREATE SCHEMA IF NOT EXISTS " + READ_SCHEMA);
        for (String table : tables(c, schema)) {
          s.execute("DROP VIEW IF EXISTS " + READ_SCHEMA + "." + table);
          s.execute("CREATE VIEW " + READ_SCHEMA + "." + table + " AS SELECT * FROM " + schema + "." + table);
        }
      }
      c.commit();
    }
  }

  private static List<String> tables(Connection c, String schema) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                + "AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' ORDER BY table_name")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
    }
    return tables;
  }
}
