package io.tablecast.db;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tablecast.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that opens connections to PostgreSQL: an external server (DATABASE_URL) or an
 * embedded one, a HikariCP pool for projections and queries, and the journal's connection settings.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** Journal tables and projection offsets live in this schema, apart from read tables. */
  public static final String JOURNAL_SCHEMA = "journal";
  /**
   * The driver otherwise puts bound parameter values (a failed batch entry's row) and the server's
   * error detail ("Key (email)=(...) already exists") into exception messages, which get logged:
   * user data and credentials would end up in the logs. The error itself is still reported.
   */
  private static final String QUIET_ERRORS = "logServerErrorDetail=false";
  /**
   * Binary result rows from the first execution of a statement on (the driver's default waits
   * for the fifth): event payloads are bytea, which the text format sends as hex at twice the
   * size. Reading the journal this way is several times faster, which a catch-up or rebuild feels.
   */
  private static final String BINARY_ROWS = "prepareThreshold=-1";

  private final EmbeddedPostgres embedded;
  private final String url;
  private final String user;
  private final String password;
  private final HikariDataSource pool;
  private final HikariDataSource journalReads;

  private Database(EmbeddedPostgres embedded, String url, String user, String password, Settings.Database settings) {
    this.embedded = embedded;
    this.url = url;
    this.user = user;
    this.password = password;
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("tablecast");
    hikari.setJdbcUrl(withParameters(url, "reWriteBatchedInserts=true&" + QUIET_ERRORS));
    hikari.setUsername(user);
    hikari.setPassword(password);
    hikari.setMaximumPoolSize(settings.poolSize());
    hikari.setConnectionTimeout(settings.connectionTimeout().toMillis());
    // Start even while the database is briefly away; connections are made on demand.
    hikari.setInitializationFailTimeout(-1);
    this.pool = new HikariDataSource(hikari);
    HikariConfig reads = new HikariConfig();
    reads.setPoolName("tablecast-journal-reads");
    reads.setJdbcUrl(withParameters(url, BINARY_ROWS + "&" + QUIET_ERRORS));
    reads.setUsername(user);
    reads.setPassword(password);
    reads.setMaximumPoolSize(settings.journalReadPoolSize());
    reads.setMinimumIdle(0);
    reads.setConnectionTimeout(settings.journalReadConnectionTimeout().toMillis());
    reads.setInitializationFailTimeout(-1);
    this.journalReads = new HikariDataSource(reads);
  }

  public static Database open(Settings settings) throws IOException {
    Settings.Database db = settings.database();
    if (!db.embedded()) {
      log.info("Using PostgreSQL at {}", db.url().replaceAll("\\?.*", ""));
      return new Database(null, db.url(), db.user(), db.password(), db);
    }
    if (settings.production()) {
      throw new IllegalStateException("production mode needs an external database: set DATABASE_URL");
    }
    EmbeddedPostgres pg = EmbeddedPostgresServer.start(settings.dataDir(), db.embeddedPort());
    log.info("Embedded PostgreSQL on port {}, data in {}", pg.getPort(), settings.dataDir().resolve("postgres"));
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    return new Database(pg, url, "postgres", "", db);
  }

  public DataSource dataSource() {
    return pool;
  }

  /** Connections for projection instances reading the journal in a catch-up (a pool of their own). */
  public DataSource journalReads() {
    return journalReads;
  }

  /** Connection settings, for a process that should use the same database. */
  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The pool itself, for its metrics. */
  public HikariDataSource pool() {
    return pool;
  }

  /** Connection settings for akka-persistence-jdbc's own pool, journal schema first on the search path. */
  public Config journalConfig() {
    String journalUrl = withParameters(url, "currentSchema=" + JOURNAL_SCHEMA + "&reWriteBatchedInserts=true&" + BINARY_ROWS + "&" + QUIET_ERRORS);
    return ConfigFactory.parseMap(
        Map.of(
            "akka-persistence-jdbc.shared-databases.slick.db.url", journalUrl,
            "akka-persistence-jdbc.shared-databases.slick.db.user", user,
            "akka-persistence-jdbc.shared-databases.slick.db.password", password));
  }

  private static String withParameters(String url, String parameters) {
    return url + (url.contains("?") ? "&" : "?") + parameters;
  }

  @Override
  public void close() {
    journalReads.close();
    pool.close();
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        log.warn("Embedded PostgreSQL did not stop cleanly", e);
      }
    }
  }
}
