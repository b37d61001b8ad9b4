package io.tablecast.cli;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.Tablecast;
import io.tablecast.db.Database;
import io.tablecast.db.Migrations;
import io.tablecast.db.SchemaReport;
import io.tablecast.projection.Generation;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.ReadViews;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = {
      "Flyway on the database configured for the node (DATABASE_URL/USER/PASSWORD, or the embedded",
      "PostgreSQL in DATA_DIR: stop the node that owns it first). Two kinds of history, shown apart:",
      "the journal's (db/journal, schema journal) and one per kept generation of each projection",
      "(db/read/<name>, schema <name>_g<N>)."
    },
    subcommands = {
      DbCommand.Migrate.class, DbCommand.Info.class, DbCommand.Validate.class, DbCommand.Repair.class,
      DbCommand.Baseline.class
    },
    footer = {
      "",
      "Alembic → Tablecast: upgrade = db migrate; current + history = db info; check = db validate;",
      "stamp = db baseline; downgrade = projections switch NAME --generation G (read tables are rebuilt, not undone).",
      "",
      "Examples:",
      "  DATABASE_URL=jdbc:postgresql://db:5432/tablecast tablecast db info",
      "  tablecast db migrate",
      "  tablecast db validate && echo schema ok",
      "  tablecast db baseline --version 4   # an existing journal created outside Flyway",
      "",
      "Exit codes: 0 done; 1 validation failed or a migration failed; 2 usage; 3 database unreachable."
    })
public final class DbCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  /** Opens the configured database, runs the work, closes it; faults become exit codes. */
  abstract static class DbWork implements Callable<Integer> {
    @Spec CommandSpec spec;

    abstract int run(Database database, PrintWriter out) throws Exception;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Database database;
      try {
        database = Database.open(Settings.from(ConfigFactory.load()));
        database.dataSource().getConnection().close();
      } catch (Exception e) {
        spec.commandLine().getErr().println("error: cannot open the database: " + e);
        spec.commandLine().getErr().flush();
        return ExitCodes.UNAVAILABLE;
      }
      try (database) {
        return run(database, out);
      } catch (Exception e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return ExitCodes.REFUSED;
      } finally {
        out.flush();
      }
    }
  }

  /** A named Flyway history: the journal's or one generation's. */
  record Target(String label, String schema, Flyway flyway) {}

  static List<Target> targets(Database database) throws Exception {
    List<Target> targets = new ArrayList<>();
    targets.add(new Target("journal", Database.JOURNAL_SCHEMA, Migrations.journal(database.dataSource())));
    GenerationRegistry generations = new GenerationRegistry(database.dataSource());
    for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
      for (Generation g : generations.list(p.name())) {
        targets.add(new Target(
            "read " + p.name() + " generation " + g.generation() + " (" + g.state() + ")", g.schema(),
            Migrations.readTables(database.dataSource(), p.name(), g.schema())));
      }
    }
    return targets;
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Apply pending migrations: the journal, then every kept generation; point the read views at the live ones.")
  static final class Migrate extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      Migrations.journal(database.dataSource()).migrate();
      GenerationRegistry generations = new GenerationRegistry(database.dataSource());
      ReadViews views = new ReadViews(database.dataSource());
      for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
        generations.live(p.name()); // the first migrate registers generation 1
      }
      for (Target t : targets(database)) {
        int applied = t.flyway().migrate().migrationsExecuted;
        out.println(t.label() + ": " + applied + " migration(s) applied, now at "
            + SchemaReport.history(t.schema(), t.flyway()).current());
      }
      for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
        views.publish(p.name(), generations.live(p.name()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true, description = "Current version and history of every Flyway history.")
  static final class Info extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      for (Target t : targets(database)) {
        SchemaReport.History h = SchemaReport.history(t.schema(), t.flyway());
        out.println("== " + t.label() + " — schema " + t.schema() + ", current " + h.current() + ", pending " + h.pending());
        out.printf("  %-8s %-40s %-10s %-10s %s%n", "VERSION", "DESCRIPTION", "TYPE", "STATE", "INSTALLED ON");
        for (SchemaReport.Migration m : h.migrations()) {
          out.printf("  %-8s %-40s %-10s %-10s %s%n", m.version(), m.description(), m.type(), m.state(),
              m.installedOn() == null ? "" : m.installedOn());
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check applied migrations against the ones in this release (checksums, missing, pending).")
  static final class Validate extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      boolean valid = true;
      for (Target t : targets(database)) {
        ValidateResult result = t.flyway().validateWithResult();
        out.println(t.label() + ": " + (result.validationSuccessful ? "valid" : "INVALID"));
        if (!result.validationSuccessful) {
          valid = false;
          result.invalidMigrations.forEach(m -> out.println("  " + m.version + " " + m.description + ": " + m.errorDetails.errorMessage));
        }
      }
      return valid ? ExitCodes.OK : ExitCodes.REFUSED;
    }
  }

  @Command(name = "repair", mixinStandardHelpOptions = true,
      description = "Remove failed migrations from the histories and realign checksums with this release.")
  static final class Repair extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      for (Target t : targets(database)) {
        t.flyway().repair();
        out.println(t.label() + ": repaired");
      }
      return ExitCodes.OK;
    }
  }

  // No standard -V/--version here: --version is the version to baseline at.
  @Command(name = "baseline",
      description = "Mark an existing journal schema (created outside Flyway) as being at a version (Alembic's stamp).")
  static final class Baseline extends DbWork {
    @Option(names = "--version", defaultValue = "1", description = "Baseline version (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    int run(Database database, PrintWriter out) throws Exception {
      Flyway.configure().configuration(Migrations.journal(database.dataSource()).getConfiguration())
          .baselineVersion(version).baselineDescription("baseline").load().baseline();
      out.println("journal: baselined at " + version);
      return ExitCodes.OK;
    }
  }
}
