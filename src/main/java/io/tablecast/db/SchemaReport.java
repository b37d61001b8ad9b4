package io.tablecast.db;

import io.tablecast.projection.Generation;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * The Flyway histories, separately: the journal's (db/journal) and one per kept generation of each
 * projection's read tables (db/read/&lt;name&gt; in schema &lt;name&gt;_g&lt;N&gt;).
 */
public final class SchemaReport {
  public record Migration(String version, String description, String type, String state, Instant installedOn, Integer checksum) {}

  public record History(String schema, String current, int pending, List<Migration> migrations) {}

  public record ReadHistory(String projection, int generation, String state, History history) {}

  public record Report(History journal, List<ReadHistory> read) {}

  private final DataSource dataSource;
  private final List<ReadProjection<?>> projections;

  public SchemaReport(DataSource dataSource, List<ReadProjection<?>> projections) {
    this.dataSource = dataSource;
    this.projections = projections;
  }

  public Report report() throws SQLException {
    List<ReadHistory> read = new ArrayList<>();
    GenerationRegistry generations = new GenerationRegistry(dataSource);
    for (ReadProjection<?> p : projections) {
      for (Generation g : generations.list(p.name())) {
        read.add(new ReadHistory(p.name(), g.generation(), g.state(),
            history(g.schema(), Migrations.readTables(dataSource, p.name(), g.schema()))));
      }
    }
    return new Report(history(Database.JOURNAL_SCHEMA, Migrations.journal(dataSource)), read);
  }

  public static History history(String schema, Flyway flyway) {
    MigrationInfoService info = flyway.info();
    List<Migration> migrations = new ArrayList<>();
    for (MigrationInfo m : info.all()) {
      migrations.add(new Migration(
          m.getVersion() == null ? null : m.getVersion().getVersion(),
          m.getDescription(),
          m.getType().name(),
          m.getState().getDisplayName(),
          m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant(),
          m.getChecksum()));
    }
    MigrationInfo current = info.current();
    return new History(
        schema, current == null || current.getVersion() == null ? null : current.getVersion().getVersion(),
        info.pending().length, migrations);
  }
}
