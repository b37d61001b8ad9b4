package io.tablecast.cli;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.Tablecast;
import io.tablecast.db.Database;
import io.tablecast.db.Histories;
import io.tablecast.db.MigrationScripts;
import io.tablecast.db.Migrations;
import io.tablecast.db.SchemaCheck;
import io.tablecast.db.SchemaReport;
import io.tablecast.projection.GenerationRegistry;
import io.tablecast.projection.ReadProjection;
import io.tablecast.projection.ReadViews;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
      DbCommand.Migrate.class, DbCommand.Info.class, DbCommand.History.class, DbCommand.Check.class,
      DbCommand.Validate.class, DbCommand.Repair.class, DbCommand.Baseline.class
    },
    footer = {
      "",
      "Alembic -> Tablecast:",
      "  upgrade          = db migrate",
      "  upgrade <rev>    = db migrate --target V [--projection NAME]",
      "  upgrade --sql    = db migrate --dry-run",
      "  current          = db info;   history -v = db history;   check = db check",
      "  stamp            = db baseline --version V",
      "  downgrade        = projections switch NAME --generation G (read tables are",
      "                     rebuilt, not undone)",
      "",
      "Examples:",
      "  DATABASE_URL=jdbc:postgresql://db:5432/tablecast tablecast db info",
      "  tablecast db migrate --dry-run > pending.sql  # what would run; no change",
      "  tablecast db migrate",
      "  tablecast db migrate --target 6               # the journal up to V6 only",
      "  tablecast db migrate --projection items --target 3",
      "  tablecast db check || echo something to do    # pending, checksum, rebuild",
      "  tablecast db history",
      "  tablecast db baseline --version 4   # a journal created outside Flyway",
      "",
      "Exit codes: 0 done (check: nothing to do); 1 refused, failed or invalid",
      "(check: something to do); 2 usage; 3 database unreachable (check: any fault)."
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

    /** The exit code of a fault while working. */
    int faultCode() {
      return ExitCodes.REFUSED;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Database database;
      try {
        database = Database.open(Settings.from(ConfigFactory.load()));
        database.dataSource().getConnection().close();
      } catch (Exception e) {
        return error("cannot open the database: " + e, ExitCodes.UNAVAILABLE);
      }
      try (database) {
        return run(database, out);
      } catch (ParameterException e) {
        return error(e.getMessage(), ExitCodes.USAGE);
      } catch (Exception e) {
        return error(e.getMessage(), faultCode());
      } finally {
        out.flush();
      }
    }

    /** Says why on stderr; returns the exit code. */
    int error(String reason, int exitCode) {
      spec.commandLine().getErr().println("error: " + reason);
      spec.commandLine().getErr().flush();
      return exitCode;
    }
  }

  static ReadProjection<?> projection(CommandSpec spec, String name) {
    return Tablecast.PROJECTIONS.stream().filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow(() -> new ParameterException(spec.commandLine(), "no projection named " + name + "; there are "
            + Tablecast.PROJECTIONS.stream().map(ReadProjection::name).toList()));
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = {
        "Apply pending migrations: the journal, then every kept generation; point the",
        "read views at the live ones. With --target, one history only (the journal's,",
        "or --projection NAME's generations), up to V and no further. With --dry-run,",
        "print the SQL of every pending migration, in order, under a header naming its",
        "history, schema, version and description, and change nothing."
      })
  static final class Migrate extends DbWork {
    @Option(names = "--target", paramLabel = "V",
        description = "Migrate up to version V and no further (a version, 'next' or 'latest'); the journal, or --projection's.")
    String target;

    @Option(names = "--projection", paramLabel = "NAME",
        description = "Migrate only this projection's read tables (every kept generation); the journal must be up to date.")
    String projectionName;

    @Option(names = "--dry-run", description = "Print the SQL that would run, and where; change nothing (Alembic's upgrade --sql).")
    boolean dryRun;

    @Override
    int run(Database database, PrintWriter out) throws Exception {
      ReadProjection<?> projection = projectionName == null ? null : projection(spec, projectionName);
      if (target != null) {
        try {
          MigrationVersion.fromVersion(target);
        } catch (RuntimeException e) {
          throw new ParameterException(spec.commandLine(), "--target: not a version: " + target);
        }
      }
      List<Histories.History> histories = new ArrayList<>();
      if (projection == null) {
        histories.add(Histories.journal(database.dataSource()));
        if (target == null) {
          for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
            histories.addAll(Histories.read(database.dataSource(), p));
          }
        }
      } else {
        if (Histories.journal(database.dataSource()).flyway().info().pending().length > 0) {
          return error("the journal has pending migrations: migrate it first (db migrate --target V, or db migrate)",
              ExitCodes.REFUSED);
        }
        histories.addAll(Histories.read(database.dataSource(), projection));
      }
      if (target != null) {
        histories.replaceAll(h -> h.upTo(target));
      }
      if (dryRun) {
        return dryRun(database, histories, projection == null && target == null, out);
      }
      if (projection == null && target == null) {
        return migrateAll(database, out);
      }
      if (projection == null) {
        report(histories.get(0), histories.get(0).flyway().migrate().migrationsExecuted, out);
        out.println("read tables: not migrated (--target migrates one history: the journal, or --projection NAME's)");
        return ExitCodes.OK;
      }
      GenerationRegistry generations = new GenerationRegistry(database.dataSource());
      int live = generations.live(projection); // registers generation 1 if there is none
      for (Histories.History h : Histories.read(database.dataSource(), projection)) {
        Histories.History limited = target == null ? h : h.upTo(target);
        report(limited, limited.flyway().migrate().migrationsExecuted, out);
      }
      new ReadViews(database.dataSource()).publish(projection.name(), live);
      return ExitCodes.OK;
    }

    private int migrateAll(Database database, PrintWriter out) throws Exception {
      Migrations.journal(database.dataSource()).migrate();
      GenerationRegistry generations = new GenerationRegistry(database.dataSource());
      ReadViews views = new ReadViews(database.dataSource());
      for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
        generations.live(p); // the first migrate registers generation 1
      }
      for (Histories.History h : Histories.all(database.dataSource(), Tablecast.PROJECTIONS)) {
        report(h, h.flyway().migrate().migrationsExecuted, out);
      }
      for (ReadProjection<?> p : Tablecast.PROJECTIONS) {
        views.publish(p.name(), generations.live(p));
      }
      return ExitCodes.OK;
    }

    private static void report(Histories.History h, int applied, PrintWriter out) {
      String current = SchemaReport.history(h.schema(), h.flyway()).current();
      MigrationVersion target = h.flyway().getConfiguration().getTarget();
      boolean concrete = target != null && !List.of(MigrationVersion.LATEST, MigrationVersion.CURRENT, MigrationVersion.NEXT).contains(target);
      boolean past = current != null && concrete && MigrationVersion.fromVersion(current).compareTo(target) > 0;
      out.println(h.label() + ": " + applied + " migration(s) applied, now at " + current
          + (past ? " (past the target " + target + ": migrations are not undone; read tables go back with projections switch)" : ""));
    }

    /**
     * What a migrate with the same options would run, as SQL comments and statements; reads only
     * (Flyway's info creates no schema and no history table, unlike migrate and baseline).
     */
    private static int dryRun(Database database, List<Histories.History> histories, boolean publishesViews, PrintWriter out)
        throws Exception {
      int total = 0;
      try (Connection c = database.dataSource().getConnection()) {
        for (Histories.History h : histories) {
          MigrationInfoService info = h.flyway().info();
          MigrationInfo[] pending = info.pending();
          total += pending.length;
          out.println("-- == " + h.label() + ", schema " + h.schema() + ": " + pending.length + " pending"
              + (pending.length == 0 ? ", nothing to run" : ""));
          if (pending.length == 0) {
            out.println();
            continue;
          }
          if (!h.registered()) {
            out.println("-- First registers generation " + h.generation() + " of " + h.projection()
                + " in journal.projection_generation.");
          }
          if (info.applied().length == 0) {
            out.println("-- First creates schema " + h.schema() + " if missing, and its history table "
                + h.schema() + "." + h.flyway().getConfiguration().getTable() + ".");
          }
          out.println("-- Each migration runs in its own transaction with " + h.schema()
              + " first on the search_path, and is recorded in " + h.schema() + "." + h.flyway().getConfiguration().getTable() + ".");
          out.println();
          for (MigrationInfo m : pending) {
            out.println("-- " + h.label() + ", schema " + h.schema() + ": V" + m.getVersion() + " " + m.getDescription()
                + " (" + m.getScript() + ")");
            out.println(MigrationScripts.sql(h.flyway().getConfiguration(), m, c).stripTrailing());
            out.println();
          }
        }
      }
      if (publishesViews) {
        out.println("-- Then the views of schema " + ReadViews.READ_SCHEMA + " are re-created over each projection's live generation.");
      }
      out.println("-- Dry run: " + total + " pending migration(s); nothing was changed.");
      return ExitCodes.OK;
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true, description = "Current version and history of every Flyway history.")
  static final class Info extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      for (Histories.History h : Histories.all(database.dataSource(), Tablecast.PROJECTIONS)) {
        SchemaReport.History report = SchemaReport.history(h.schema(), h.flyway());
        out.println("== " + h.label() + " — schema " + h.schema() + ", current " + report.current() + ", pending " + report.pending());
        out.printf("  %-8s %-40s %-10s %-10s %s%n", "VERSION", "DESCRIPTION", "TYPE", "STATE", "INSTALLED ON");
        for (SchemaReport.Migration m : report.migrations()) {
          out.printf("  %-8s %-40s %-10s %-10s %s%n", m.version(), m.description(), m.type(), m.state(),
              m.installedOn() == null ? "" : m.installedOn());
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = {
        "Every migration of every history, applied or pending: description, checksum,",
        "when it ran and for how long, its script (Alembic's history -v). A checksum",
        "that differs from this release's script is shown with both."
      })
  static final class History extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      for (Histories.History h : Histories.all(database.dataSource(), Tablecast.PROJECTIONS)) {
        MigrationInfoService info = h.flyway().info();
        MigrationInfo current = info.current();
        out.println("== " + h.label() + " — schema " + h.schema() + ", current "
            + (current == null || current.getVersion() == null ? "none" : current.getVersion()) + ", pending " + info.pending().length);
        out.printf("  %-8s %-40s %-10s %-12s %-30s %8s  %s%n",
            "VERSION", "DESCRIPTION", "STATE", "CHECKSUM", "INSTALLED ON", "MS", "SCRIPT");
        for (MigrationInfo m : info.all()) {
          out.printf("  %-8s %-40s %-10s %-12s %-30s %8s  %s%s%n",
              m.getVersion() == null ? "" : m.getVersion(), m.getDescription(), m.getState().getDisplayName(),
              m.getChecksum() == null ? "" : m.getChecksum(),
              m.getInstalledOn() == null ? "" : m.getInstalledOn().toInstant(),
              m.getExecutionTime() == null ? "" : m.getExecutionTime(),
              m.getScript(),
              m.getState().isApplied() && m.getState().isResolved() && !m.isChecksumMatching()
                  ? "  (checksum in this release: " + m.getResolvedChecksum() + ")" : "");
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {
        "Exit 1 when something needs doing, one line each: a pending migration, an",
        "applied one that no longer validates (checksum mismatch, failed, missing), or",
        "a projection whose live generation was built with another version than the",
        "code's (rebuild it). Exit 0 when there is nothing to do. Changes nothing."
      })
  static final class Check extends DbWork {
    @Override
    int faultCode() {
      return ExitCodes.UNAVAILABLE; // never 1, which says "something to do"
    }

    @Override
    int run(Database database, PrintWriter out) throws Exception {
      List<String> findings = SchemaCheck.findings(database.dataSource(), Tablecast.PROJECTIONS);
      if (findings.isEmpty()) {
        out.println("nothing to do: every history is migrated and valid, every live generation built with its projection's version");
        return ExitCodes.OK;
      }
      findings.forEach(out::println);
      return ExitCodes.REFUSED;
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check applied migrations against the ones in this release (checksums, missing, pending).")
  static final class Validate extends DbWork {
    @Override
    int run(Database database, PrintWriter out) throws Exception {
      boolean valid = true;
      for (Histories.History h : Histories.all(database.dataSource(), Tablecast.PROJECTIONS)) {
        ValidateResult result = h.flyway().validateWithResult();
        out.println(h.label() + ": " + (result.validationSuccessful ? "valid" : "INVALID"));
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
      for (Histories.History h : Histories.all(database.dataSource(), Tablecast.PROJECTIONS)) {
        if (h.registered()) { // a generation not registered yet has no history to repair
          h.flyway().repair();
          out.println(h.label() + ": repaired");
        }
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
