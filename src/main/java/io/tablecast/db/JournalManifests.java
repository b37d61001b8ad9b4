package io.tablecast.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What an entity's events are, without reading them: each journal row names its event's class in
 * its serializer manifest, so a question about the kinds of events (which came last) reads no
 * payload, however large. Leans on two libraries' formats: akka-persistence-jdbc 5.2.1's journal
 * table ({@code event_journal}, as db/journal/V1 creates it) and akka-serialization-jackson's
 * manifest, the class name followed from version 2 on by {@code #<version>}.
 */
public final class JournalManifests {
  private static final String LAST_OF_EACH_CLASS =
      "SELECT split_part(event_ser_manifest, '#', 1) AS event_class, max(sequence_number) AS last"
          + " FROM journal.event_journal WHERE persistence_id = ? AND sequence_number <= ? AND NOT deleted"
          + " GROUP BY event_class";

  private final DataSource dataSource;

  public JournalManifests(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Event class name → the sequence number of the entity's last event of that class, up to {@code upTo}. */
  public Map<String, Long> lastOfEachClass(String persistenceId, long upTo) throws SQLException {
    Map<String, Long> last = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LAST_OF_EACH_CLASS)) {
      ps.setString(1, persistenceId);
      ps.setLong(2, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          last.put(rs.getString("event_class"), rs.getLong("last"));
        }
      }
    }
    return last;
  }
}
