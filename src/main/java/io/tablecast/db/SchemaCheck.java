package io.tablecast.db;

import io.tablecast.projection.Generation;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * What {@code db check} reports: everything that needs doing before the database matches this
 * release, one finding per line. A pending migration in any history; an applied migration that no
 * longer validates (a checksum mismatch, a failed or missing one); a projection whose live
 * generation was built with another version than the code's, which needs a rebuild. Reads only.
 */
public final class SchemaCheck {
  private SchemaCheck() {}

  public static List<String> findings(DataSource dataSource, List<ReadProjection<?>> projections) throws SQLException {
    List<String> findings = new ArrayList<>();
    boolean journalCurrent = true;
    for (Histories.History h : Histories.all(dataSource, projections)) {
      String where = h.label() + ", schema " + h.schema();
      MigrationInfo[] pending = h.flyway().info().pending();
      for (MigrationInfo m : pending) {
        findings.add(where + ": V" + m.getVersion() + " " + m.getDescription() + " is pending (db migrate)");
      }
      if (h.isJournal()) {
        journalCurrent = pending.length == 0;
      }
      for (ValidateOutput invalid : applied(h.flyway()).invalidMigrations) {
        findings.add(where + ": V" + invalid.version + " " + invalid.description + ": "
            + invalid.errorDetails.errorMessage.replaceAll("\\s+", " ").trim());
      }
    }
    if (!journalCurrent) {
      findings.add("projection versions: not checked until the journal is migrated (db migrate)");
      return findings;
    }
    GenerationRegistry registry = new GenerationRegistry(dataSource);
    for (ReadProjection<?> p : projections) {
      for (Generation g : registry.list(p.name())) {
        if (g.state().equals(Generation.LIVE) && g.version() != p.version()) {
          findings.add("projection " + p.name() + ": live generation " + g.generation() + " was built with version "
              + g.version() + ", the code is at version " + p.version() + ": rebuild it (projections rebuild " + p.name() + ")");
        }
      }
    }
    return findings;
  }

  /**
   * Validation of what was applied, pending migrations left to the pending findings (Flyway's
   * validate counts them as errors) and migrations of a newer release ignored, as db validate does.
   */
  private static ValidateResult applied(Flyway flyway) {
    return Flyway.configure().configuration(flyway.getConfiguration())
        .ignoreMigrationPatterns("*:pending", "*:future").load().validateWithResult();
  }
}
