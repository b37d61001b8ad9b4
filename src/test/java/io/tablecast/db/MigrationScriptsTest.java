package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** A dry run prints a migration's SQL with its placeholders replaced as Flyway's real run replaces them. */
class MigrationScriptsTest {
  private static final Configuration CONFIGURATION = Flyway.configure().schemas("items_g2");

  @Test
  void placeholdersAreReplacedByNameWhateverTheirCase() {
    String sql = "CREATE INDEX i ON ${flyway:defaultSchema}.items (title); -- ${Owner}\nGRANT SELECT ON items TO ${owner};";
    assertEquals("CREATE INDEX i ON items_g2.items (title); -- app\nGRANT SELECT ON items TO app;",
        MigrationScripts.replacePlaceholders(sql, Map.of("flyway:defaultSchema", "items_g2", "owner", "app"), CONFIGURATION));
  }

  @Test
  void textWithoutPlaceholdersIsUnchanged() {
    String sql = "ALTER TABLE items ADD COLUMN price NUMERIC(10, 2) DEFAULT 0; -- costs $5 {not a placeholder}";
    assertEquals(sql, MigrationScripts.replacePlaceholders(sql, Map.of(), CONFIGURATION));
  }

  @Test
  void aPlaceholderWithoutAValueFailsAsTheRealRunWould() {
    FlywayException e = assertThrows(FlywayException.class,
        () -> MigrationScripts.replacePlaceholders("SELECT ${nope};", Map.of(), CONFIGURATION));
    assertTrue(e.getMessage().contains("${nope}"), e.getMessage());
  }

  @Test
  void theConfiguredPrefixAndSuffixAreTheOnesLookedFor() {
    Configuration custom = Flyway.configure().placeholderPrefix("#[").placeholderSuffix("]");
    assertEquals("SELECT app, ${owner};",
        MigrationScripts.replacePlaceholders("SELECT #[owner], ${owner};", Map.of("owner", "app"), custom));
  }
}
