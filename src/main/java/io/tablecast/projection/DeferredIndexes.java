package io.tablecast.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexes and foreign keys a rebuild leaves out while its new generation catches up, and
 * builds once it has. Their definitions wait in the registry (deferred_indexes), so any node can
 * finish the build, and one cut short is finished by the next.
 */
public final class DeferredIndexes {
  private static final Logger log = LoggerFactory.getLogger(DeferredIndexes.class);

  private final DataSource dataSource;

  public DeferredIndexes(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Drops the indexes that back no constraint (unique ones included) and the foreign keys of a
   * fresh building generation and keeps their definitions in the registry, in the caller's
   * transaction: the catch-up then maintains only the primary keys, which its upserts and reads by
   * id need, and {@link #build} builds the rest once, before the switch. A foreign key checked row
   * by row runs a query per inserted row; added afterwards it is checked in one join. A unique
   * index costs its check on every insert; built afterwards it checks the rows once, and rows that
   * break it (the write side never writes them) fail its build, so the generation stays building,
   * never live, with the reason in the log.
   */
  static List<String> defer(Connection c, String projection, int generation) throws SQLException {
    record Deferred(String name, String definition, String drop) {}
    String schema = Generation.schema(projection, generation);
    List<Deferred> deferred = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                + " JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE n.nspname = ? AND t.relname <> 'flyway_schema_history'"
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)" // keeps primary keys
                + " ORDER BY 1")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          deferred.add(new Deferred(rs.getString(1), rs.getString(2), "DROP INDEX " + rs.getString(1)));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid), confrelid::regclass::text"
                + " FROM pg_constraint WHERE contype = 'f'"
                + " AND connamespace = (SELECT oid FROM pg_namespace WHERE nspname = ?) ORDER BY 1, 2")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String table = rs.getString(1);
          String name = rs.getString(2);
          // Locks the referenced table first, in the order the projection's writes take them
          // (items before item_tags): new events keep coming while the keys are added.
          deferred.add(new Deferred(table + "." + name,
              "LOCK TABLE " + rs.getString(4) + " IN SHARE ROW EXCLUSIVE MODE; "
                  + "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + rs.getString(3),
              "ALTER TABLE " + table + " DROP CONSTRAINT " + name));
        }
      }
    }
    if (deferred.isEmpty()) {
      return List.of();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE journal.projection_generation SET deferred_indexes = ? WHERE projection_name = ? AND generation = ?")) {
      ps.setArray(1, c.createArrayOf("text", deferred.stream().map(Deferred::definition).toArray()));
      ps.setString(2, projection);
      ps.setInt(3, generation);
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      for (Deferred d : deferred) {
        s.execute(d.drop());
      }
    }
    return deferred.stream().map(Deferred::name).toList();
  }

  /**
   * Builds the indexes and foreign keys a rebuild deferred (if any are left) on up to
   * {@code connections} connections at once, each with {@code memoryBytes} of
   * maintenance_work_mem; returns how many it built. PostgreSQL builds a GIN index in one process,
   * so the trigram index is started first and the btree indexes are built beside it; the foreign
   * keys come last (adding one waits for the index builds on the table it references). Each
   * definition commits on its own and is idempotent (a build cut short is finished by the next
   * call), and is logged with the time it took; the registry forgets the definitions once all exist.
   */
  public int build(String projection, int generation, long memoryBytes, int connections) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      GenerationRegistry.lock(c, projection);
      List<String> definitions = deferred(c, projection, generation);
      if (definitions.isEmpty()) {
        c.rollback();
        return 0;
      }
      ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(definitions.stream()
          .sorted(Comparator.comparingInt(DeferredIndexes::buildOrder))
          .toList());
      int builders = Math.max(1, Math.min(connections, definitions.size()));
      ExecutorService pool = Executors.newFixedThreadPool(builders, r -> new Thread(r, "index-build-" + projection));
      try {
        List<Future<Void>> running = new ArrayList<>();
        for (int i = 0; i < builders; i++) {
          running.add(pool.submit(() -> buildFrom(queue, memoryBytes)));
        }
        for (Future<Void> f : running) {
          f.get();
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof SQLException sql ? sql : new SQLException("index build failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while building the deferred indexes of " + projection, e);
      } finally {
        pool.shutdownNow();
      }
      forget(c, projection, generation);
      c.commit();
      return definitions.size();
    }
  }

  private static int buildOrder(String definition) {
    if (definition.contains(" USING gin ")) {
      return 0;
    }
    return definition.startsWith("CREATE ") ? 1 : 2;
  }

  /** Builds definitions from the queue on one connection until it is empty. */
  private Void buildFrom(ConcurrentLinkedQueue<String> queue, long memoryBytes) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (String definition = queue.poll(); definition != null; definition = queue.poll()) {
        s.execute("SET LOCAL maintenance_work_mem = '" + memoryBytes / 1024 + "kB'");
        build(s, definition);
        c.commit();
      }
    }
    return null;
  }

  /** Builds the deferred indexes and foreign keys still missing, one after another, in the caller's transaction. */
  static int buildAll(Connection c, String projection, int generation) throws SQLException {
    List<String> definitions = deferred(c, projection, generation);
    if (definitions.isEmpty()) {
      return 0;
    }
    try (Statement s = c.createStatement()) {
      for (String definition : definitions.stream().sorted(Comparator.comparingInt(DeferredIndexes::buildOrder)).toList()) {
        build(s, definition);
      }
    }
    forget(c, projection, generation);
    return definitions.size();
  }

  /** Builds one deferred definition (idempotently) and logs how long it took. */
  private static void build(Statement s, String definition) throws SQLException {
    long start = System.nanoTime();
    s.execute(idempotent(definition));
    log.info("Built in {} ms: {}", (System.nanoTime() - start) / 1_000_000, definition);
  }

  private static List<String> deferred(Connection c, String projection, int generation) throws SQLException {
    List<String> definitions = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT unnest(deferred_indexes) FROM journal.projection_generation WHERE projection_name = ? AND generation = ?")) {
      ps.setString(1, projection);
      ps.setInt(2, generation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          definitions.add(rs.getString(1));
        }
      }
    }
    return definitions;
  }

  private static void forget(Connection c, String projection, int generation) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE journal.projection_generation SET deferred_indexes = NULL WHERE projection_name = ? AND generation = ?")) {
      ps.setString(1, projection);
      ps.setInt(2, generation);
      ps.executeUpdate();
    }
  }

  /** The definition as a statement that does nothing when what it defines exists already. */
  static String idempotent(String definition) {
    if (definition.startsWith("CREATE INDEX ") || definition.startsWith("CREATE UNIQUE INDEX ")) {
      return definition.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX IF NOT EXISTS ");
    }
    // ADD CONSTRAINT has no IF NOT EXISTS; the definition comes from the catalog, not from input.
    return "DO $deferred$ BEGIN " + definition + "; EXCEPTION WHEN duplicate_object THEN NULL; END $deferred$";
  }
}
