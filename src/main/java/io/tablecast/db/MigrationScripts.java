package io.tablecast.db;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.Configuration;

/**
 * The SQL a migration runs, as Flyway runs it: the script read from its location in the configured
 * encoding, its placeholders replaced. What a dry run prints; Flyway's own dry run is not in its
 * free edition.
 *
 * <p>The replacement mirrors Flyway 10's internal {@code ParsingContext#populate} (the built-in
 * {@code flyway:*} placeholders) and {@code PlaceholderReplacingReader} (the configured ones on top,
 * names case-insensitive, a placeholder without a value an error): keep them in step when
 * upgrading Flyway.
 */
public final class MigrationScripts {
  private MigrationScripts() {}

  /** The migration's SQL with its placeholders replaced; {@code connection} answers the user and database ones. */
  public static String sql(Configuration configuration, MigrationInfo migration, Connection connection)
      throws IOException, SQLException {
    String script = read(configuration, migration.getScript());
    boolean replace = configuration.isPlaceholderReplacement() && !Boolean.FALSE.equals(migration.isPlaceholderReplacement());
    return replace ? replacePlaceholders(script, placeholders(configuration, migration, connection), configuration) : script;
  }

  private static String read(Configuration configuration, String script) throws IOException {
    for (Location location : configuration.getLocations()) {
      String path = location.getRootPath().isEmpty() ? script : location.getRootPath() + "/" + script;
      if (location.isClassPath()) {
        try (InputStream in = configuration.getClassLoader().getResourceAsStream(path)) {
          if (in != null) {
            return withoutByteOrderMark(new String(in.readAllBytes(), configuration.getEncoding()));
          }
        }
      } else if (location.isFileSystem() && Files.exists(Path.of(path))) {
        return withoutByteOrderMark(Files.readString(Path.of(path), configuration.getEncoding()));
      }
    }
    throw new IOException("migration script " + script + " not found in any location");
  }

  private static String withoutByteOrderMark(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Flyway's built-in placeholders, then the configured ones over them. */
  static Map<String, String> placeholders(Configuration configuration, MigrationInfo migration, Connection connection)
      throws SQLException {
    Map<String, String> values = new HashMap<>();
    String flyway = "flyway" + configuration.getPlaceholderSeparator();
    String defaultSchema = configuration.getDefaultSchema() != null ? configuration.getDefaultSchema()
        : configuration.getSchemas().length > 0 ? configuration.getSchemas()[0]
        : query(connection, "SELECT current_schema()");
    values.put(flyway + "defaultSchema", defaultSchema);
    values.put(flyway + "database", query(connection, "SELECT current_database()"));
    values.put(flyway + "user", query(connection, "SELECT current_user"));
    values.put(flyway + "timestamp", new SimpleDateFormat("yyyy-MM-dd HH:mm:ss", Locale.ROOT).format(new Date()));
    values.put(flyway + "workingDirectory",
        configuration.getWorkingDirectory() != null ? configuration.getWorkingDirectory() : System.getProperty("user.dir"));
    values.put(flyway + "table", configuration.getTable());
    values.put(flyway + "environment", configuration.getCurrentEnvironmentName());
    String script = migration.getScript();
    values.put(flyway + "filename", script.substring(script.lastIndexOf('/') + 1));
    values.putAll(configuration.getPlaceholders());
    return values;
  }

  /** Replaces each placeholder by its value, looked up whatever the case of its name. */
  static String replacePlaceholders(String script, Map<String, String> placeholders, Configuration configuration) {
    Map<String, String> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    values.putAll(placeholders);
    Pattern placeholder = Pattern.compile(
        Pattern.quote(configuration.getPlaceholderPrefix()) + "(.*?)" + Pattern.quote(configuration.getPlaceholderSuffix()),
        Pattern.DOTALL);
    Matcher m = placeholder.matcher(script);
    StringBuilder replaced = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new FlywayException("No value provided for placeholder: " + m.group() + ". Check your configuration!");
      }
      m.appendReplacement(replaced, Matcher.quoteReplacement(value));
    }
    m.appendTail(replaced);
    return replaced.toString();
  }

  private static String query(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
