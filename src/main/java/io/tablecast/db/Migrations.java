package io.tablecast.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Flyway histories. The journal history (db/journal) is never dropped; each generation of a
 * projection's read tables has its own history of db/read/&lt;projection&gt; in its own schema.
 */
public final class Migrations {
  private Migrations() {}

  public static Flyway journal(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/journal")
        .schemas(Database.JOURNAL_SCHEMA)
        .createSchemas(true)
        .load();
  }

  public static Flyway readTables(DataSource dataSource, String projection, String schema) {
    return Flyway.configure()
        .dataSource(dataSource)
        // Every generation after the first runs CREATE EXTENSION IF NOT EXISTS pg_trgm again;
        // PostgreSQL's NOTICE that it exists would reach the log as a Flyway WARN at each rebuild.
        // Warnings and errors still come through. (The setting stays on the pooled connection;
        // nothing of ours reads notices.)
        .initSql("SET client_min_messages = warning")
        .locations("classpath:db/read/" + projection)
        .schemas(schema)
        .createSchemas(true)
        .load();
  }
}
