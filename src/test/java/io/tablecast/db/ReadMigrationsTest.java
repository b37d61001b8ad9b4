package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Read tables are recomputed from the journal: their migrations hold DDL only; backfills are rebuilds. */
class ReadMigrationsTest {
  private static final Pattern DML =
      Pattern.compile("\\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\\b", Pattern.CASE_INSENSITIVE);

  static String withoutComments(String sql) {
    return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ").replaceAll("'(?:[^']|'')*'", "''");
  }

  @Test
  void readMigrationsContainNoDataChanges() throws IOException {
    List<Path> migrations;
    try (Stream<Path> files = Files.walk(Path.of("db", "read"))) {
      migrations = files.filter(f -> f.toString().endsWith(".sql")).toList();
    }
    assertFalse(migrations.isEmpty(), "no read migrations found");
    for (Path m : migrations) {
      var found = DML.matcher(withoutComments(Files.readString(m)));
      assertFalse(found.find(), m + " contains " + (found.hitEnd() ? "" : found.group()) + ": backfills are projection rebuilds");
    }
  }

  @Test
  void theCheckRecognizesDml() {
    assertTrue(DML.matcher(withoutComments("ALTER TABLE items ADD COLUMN x INT;\nupdate items set x = 1;")).find());
    assertFalse(DML.matcher(withoutComments("-- we never UPDATE here\nCREATE INDEX i ON items (title);")).find());
    assertFalse(DML.matcher(withoutComments("COMMENT ON TABLE items IS 'insert nothing';")).find());
  }
}
