package io.tablecast.db;

import io.tablecast.projection.Generation;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Every Flyway history the db commands act on: the journal's (db/journal), then, per projection,
 * each kept generation's (db/read/&lt;name&gt; in schema &lt;name&gt;_g&lt;N&gt;). A projection
 * with no generation yet has generation 1 here, not registered: the next full {@code db migrate}
 * registers and migrates it. Found without changing anything, whatever the journal's version, even
 * before the journal exists.
 */
public final class Histories {
  private Histories() {}

  /**
   * One history. {@code projection} is null for the journal's; {@code registered} is false for a
   * generation that db migrate would register first.
   */
  public record History(String label, String projection, int generation, String schema, Flyway flyway, boolean registered) {
    public boolean isJournal() {
      return projection == null;
    }

    /** The same history, migrated up to {@code target} and no further (Flyway's target: a version, "next" or "latest"). */
    public History upTo(String target) {
      Flyway limited = Flyway.configure().configuration(flyway.getConfiguration()).target(target).load();
      return new History(label, projection, generation, schema, limited, registered);
    }
  }

  public static History journal(DataSource dataSource) {
    return new History("journal", null, 0, Database.JOURNAL_SCHEMA, Migrations.journal(dataSource), true);
  }

  /** The read histories of one projection: each kept generation, oldest first, or generation 1 to be registered. */
  public static List<History> read(DataSource dataSource, ReadProjection<?> projection) throws SQLException {
    List<History> histories = new ArrayList<>();
    List<GenerationRegistry.Kept> kept = new GenerationRegistry(dataSource).kept(projection.name());
    for (GenerationRegistry.Kept g : kept) {
      histories.add(read(dataSource, projection, g.generation(), g.state(), true));
    }
    if (kept.isEmpty()) {
      histories.add(read(dataSource, projection, 1, "not registered yet", false));
    }
    return histories;
  }

  /** The journal's history, then every projection's read histories. */
  public static List<History> all(DataSource dataSource, List<ReadProjection<?>> projections) throws SQLException {
    List<History> histories = new ArrayList<>();
    histories.add(journal(dataSource));
    for (ReadProjection<?> p : projections) {
      histories.addAll(read(dataSource, p));
    }
    return histories;
  }

  private static History read(
      DataSource dataSource, ReadProjection<?> projection, int generation, String state, boolean registered) {
    String schema = Generation.schema(projection.name(), generation);
    return new History(
        "read " + projection.name() + " generation " + generation + " (" + state + ")", projection.name(), generation, schema,
        Migrations.readTables(dataSource, projection.name(), schema), registered);
  }
}
