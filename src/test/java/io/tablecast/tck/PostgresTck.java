package io.tablecast.tck;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.db.Database;
import io.tablecast.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * One embedded PostgreSQL for the TCK suites. Each suite gets a new database (the TCK reuses
 * persistence ids and expects an empty store) with the journal schema made by our own db/journal
 * migrations, reached the way the application reaches it.
 */
final class PostgresTck {
  private static EmbeddedPostgres postgres;

  private PostgresTck() {}

  private static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (IOException ignored) {
            // the JVM is going away anyway
          }
        }, "tck-postgres-stop"));
        postgres = pg;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL", e);
      }
    }
    return postgres;
  }

  static synchronized Config configFor(String database) {
    EmbeddedPostgres pg = postgres();
    try (Connection admin = pg.getPostgresDatabase().getConnection();
        Statement st = admin.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
    Migrations.journal(pg.getDatabase("postgres", database)).migrate();
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database
        + "?currentSchema=" + Database.JOURNAL_SCHEMA + "&reWriteBatchedInserts=true";
    return ConfigFactory.parseMap(Map.of("akka-persistence-jdbc.shared-databases.slick.db.url", url))
        .withFallback(ConfigFactory.parseResources("tck/persistence-tck.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
