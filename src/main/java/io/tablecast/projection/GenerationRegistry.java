package io.tablecast.projection;

import io.tablecast.db.Migrations;
import io.tablecast.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Which generations of each projection exist and where they stand (journal.projection_generation):
 * the source of truth every node reads. A rebuild begins here, a verification is recorded here and
 * a generation is dropped here; each change that must happen once, whichever node asks, takes the
 * projection's advisory lock ({@link #lock}).
 */
public final class GenerationRegistry {
  private final DataSource dataSource;

  public GenerationRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** An operation the registry refuses (a rebuild already running, dropping the live generation...). */
  public static final class Refused extends Exception {
    public final boolean notFound;

    Refused(String message, boolean notFound) {
      super(message);
      this.notFound = notFound;
    }
  }

  /** A rebuild's new generation, and the indexes and foreign keys it builds after its catch-up. */
  public record Begun(Generation generation, List<String> deferred) {}

  /**
   * The live generation of a projection; the first start makes generation 1 live, built with the
   * projection's version in this code.
   */
  public int live(ReadProjection<?> projection) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO journal.projection_generation (projection_name, generation, state, switched_at, projection_version) "
                  + "SELECT ?, 1, 'live', now(), ? WHERE NOT EXISTS "
                  + "(SELECT 1 FROM journal.projection_generation WHERE projection_name = ?) "
                  + "ON CONFLICT DO NOTHING")) {
        insert.setString(1, projection.name());
        insert.setInt(2, projection.version());
        insert.setString(3, projection.name());
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT generation FROM journal.projection_generation WHERE projection_name = ? AND state = 'live'")) {
        select.setString(1, projection.name());
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalStateException("projection " + projection.name() + " has no live generation");
          }
          return rs.getInt(1);
        }
      }
    }
  }

  /** Brings a generation's tables to the current db/read/&lt;projection&gt; migrations. */
  public void migrate(String projection, int generation) {
    Migrations.readTables(dataSource, projection, Generation.schema(projection, generation)).migrate();
  }

  /** Every generation of a projection still kept (building, live, retired), oldest first. */
  public List<Generation> list(String projection) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return list(c, projection);
    }
  }

  static List<Generation> list(Connection c, String projection) throws SQLException {
    List<Generation> all = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT generation, state, projection_version, verify, verify_result, created_at, switched_at "
                + "FROM journal.projection_generation WHERE projection_name = ? AND state <> 'dropped' ORDER BY generation")) {
      ps.setString(1, projection);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.add(new Generation(
              projection, rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4), rs.getString(5),
              Sql.instant(rs, "created_at"), Sql.instant(rs, "switched_at")));
        }
      }
    }
    return all;
  }

  /** A kept generation's number and state: what the registry has said since it exists (journal V4). */
  public record Kept(int generation, String state) {}

  /**
   * The kept generations of a projection, oldest first, read with the registry's first columns
   * only, and none before the registry exists: the db commands run against a journal at any
   * version, even one not created yet.
   */
  public List<Kept> kept(String projection) throws SQLException {
    List<Kept> kept = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass('journal.projection_generation') IS NOT NULL");
          ResultSet rs = exists.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return kept;
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT generation, state FROM journal.projection_generation "
                  + "WHERE projection_name = ? AND state <> 'dropped' ORDER BY generation")) {
        ps.setString(1, projection);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            kept.add(new Kept(rs.getInt(1), rs.getString(2)));
          }
        }
      }
    }
    return kept;
  }

  /** One kept generation of a projection, or refused as not found. */
  static Generation find(Connection c, String projection, int generation) throws SQLException, Refused {
    return list(c, projection).stream().filter(g -> g.generation() == generation).findFirst()
        .orElseThrow(() -> new Refused("projection " + projection + " has no generation " + generation, true));
  }

  /**
   * Registers the next generation of a projection as building, built with the projection's version
   * in this code, its schema migrated and its indexes and foreign keys deferred
   * ({@link DeferredIndexes}): the start of a rebuild. Only one
   * rebuild per projection at a time, cluster-wide (an advisory lock and a unique index say so).
   * Nodes see the generation only once all of that has committed, so none starts its runners or
   * switches to it before its indexes are deferred.
   */
  public Begun begin(ReadProjection<?> definition, boolean verify) throws SQLException, Refused {
    String projection = definition.name();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      lock(c, projection);
      for (Generation g : list(c, projection)) {
        if (g.state().equals(Generation.BUILDING)) {
          c.rollback();
          throw new Refused("a rebuild of " + projection + " is already running (generation " + g.generation() + ")", false);
        }
      }
      int next;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT coalesce(max(generation), 0) + 1 FROM journal.projection_generation WHERE projection_name = ?")) {
        ps.setString(1, projection);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          next = rs.getInt(1);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO journal.projection_generation (projection_name, generation, state, verify, projection_version) "
                  + "VALUES (?, ?, 'building', ?, ?)")) {
        ps.setString(1, projection);
        ps.setInt(2, next);
        ps.setBoolean(3, verify);
        ps.setInt(4, definition.version());
        ps.executeUpdate();
      }
      migrate(projection, next);
      List<String> deferred = DeferredIndexes.defer(c, projection, next);
      c.commit();
      Generation begun = new Generation(
          projection, next, Generation.BUILDING, definition.version(), verify, null, Instant.now(), null);
      return new Begun(begun, deferred);
    }
  }

  /** Marks a generation live and the live one retired, in the caller's transaction (see {@link ReadViews#switchTo}). */
  static void markLive(Connection c, String projection, int generation) throws SQLException {
    try (PreparedStatement retire =
            c.prepareStatement(
                "UPDATE journal.projection_generation SET state = 'retired', switched_at = now() "
                    + "WHERE projection_name = ? AND state = 'live'");
        PreparedStatement live =
            c.prepareStatement(
                "UPDATE journal.projection_generation SET state = 'live', switched_at = now() "
                    + "WHERE projection_name = ? AND generation = ?")) {
      retire.setString(1, projection);
      retire.executeUpdate();
      live.setString(1, projection);
      live.setInt(2, generation);
      live.executeUpdate();
    }
  }

  /** Records why a verified rebuild was not switched (null: verified equal). */
  public void verified(String projection, int generation, String result) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE journal.projection_generation SET verify_result = ? WHERE projection_name = ? AND generation = ?")) {
      ps.setString(1, result);
      ps.setString(2, projection);
      ps.setInt(3, generation);
      ps.executeUpdate();
    }
  }

  /**
   * Drops a generation that is not live: its schema, offsets and failures. The registry row stays
   * as 'dropped' so that a generation number (and its projection id) is never used twice, and the
   * generation's instances are marked paused so that one still running somewhere stops for good.
   */
  public void drop(String projection, int generation, List<String> keys) throws SQLException, Refused {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      lock(c, projection);
      Generation target = find(c, projection, generation);
      if (target.state().equals(Generation.LIVE)) {
        c.rollback();
        throw new Refused("generation " + generation + " of " + projection + " is live; switch to another generation first", false);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE journal.projection_generation SET state = 'dropped', switched_at = now() "
                  + "WHERE projection_name = ? AND generation = ?")) {
        ps.setString(1, projection);
        ps.setInt(2, generation);
        ps.executeUpdate();
      }
      for (String table : List.of("akka_projection_offset_store", "projection_failure")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM journal." + table + " WHERE projection_name = ?")) {
          ps.setString(1, target.projectionId());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO journal.akka_projection_management (projection_name, projection_key, paused, last_updated) "
                  + "VALUES (?, ?, true, ?) ON CONFLICT (projection_name, projection_key) DO UPDATE SET paused = true")) {
        for (String key : keys) {
          ps.setString(1, target.projectionId());
          ps.setString(2, key);
          ps.setLong(3, System.currentTimeMillis());
          ps.executeUpdate();
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + target.schema() + " CASCADE");
      }
      c.commit();
    }
  }

  /** Serializes rebuild, switch and drop of one projection across the cluster; released at commit. */
  static void lock(Connection c, String projection) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('tablecast.generations.' || ?))")) {
      ps.setString(1, projection);
      ps.execute();
    }
  }

  /** The tables of a generation, for checks that compare generations. */
  public List<String> tables(String projection, int generation) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return tables(c, Generation.schema(projection, generation));
    }
  }

  /** The tables of a generation's schema, its Flyway history left out. */
  static List<String> tables(Connection c, String schema) throws SQLException {
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
